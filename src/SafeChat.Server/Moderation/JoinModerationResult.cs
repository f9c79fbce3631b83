namespace SafeChat.Server.Moderation;

/// <summary>What the server decided about a join.</summary>
/// <param name="Allowed">True when the user may join.</param>
/// <param name="RuleIds">The rules that denied the join.</param>
/// <param name="Unavailable">True when the decision was made by <see cref="SafeChatServerOptions.FailureMode"/> because the backend was down.</param>
public sealed record JoinModerationResult(bool Allowed, IReadOnlyList<string> RuleIds, bool Unavailable = false);
