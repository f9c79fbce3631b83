namespace SafeChat.Policies;

/// <summary>A standing hold on a sender in one conversation, placed by a rule's <c>hold-sender</c> action.</summary>
/// <param name="RuleId">The rule that placed it.</param>
/// <param name="PlacedAt">When it was placed.</param>
public sealed record SenderHold(string RuleId, DateTimeOffset PlacedAt);
