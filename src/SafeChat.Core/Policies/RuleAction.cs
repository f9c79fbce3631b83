namespace SafeChat.Policies;

/// <summary>One action of a rule.</summary>
/// <param name="Action">The action.</param>
/// <param name="Severity">The severity; required for <see cref="PolicyAction.Escalate"/> and only allowed there.</param>
/// <param name="Nudge">The nudge text; required for warn actions and only allowed there.</param>
public sealed record RuleAction(PolicyAction Action, Severity? Severity = null, string? Nudge = null);
