namespace SafeChat.Policies;

/// <summary>An inclusive range a per-user counter must fall in.</summary>
/// <param name="Min">The smallest value that matches, or null.</param>
/// <param name="Max">The largest value that matches, or null.</param>
public sealed record CounterRange(int? Min, int? Max);
