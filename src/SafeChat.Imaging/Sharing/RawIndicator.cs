namespace SafeChat.Sharing;

/// <summary>An identifier behind a confirmed case, before hashing (it never leaves the platform).</summary>
/// <param name="Type">The indicator type (<see cref="IndicatorTypes"/>).</param>
/// <param name="Value">The raw identifier.</param>
public sealed record RawIndicator(string Type, string Value);
