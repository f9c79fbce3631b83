namespace SafeChat.Sharing;

/// <summary>One hashed indicator in a file: its type and HMAC value, never the identifier.</summary>
/// <param name="Type">The indicator type (<see cref="IndicatorTypes"/>).</param>
/// <param name="Value">The HMAC-SHA256 in hex.</param>
public sealed record SharedIndicator(string Type, string Value);
