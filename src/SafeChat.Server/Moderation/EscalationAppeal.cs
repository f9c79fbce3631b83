namespace SafeChat.Server.Moderation;

/// <summary>An appeal against a confirmed escalation.</summary>
/// <param name="AppealedBy">Who appealed (the authenticated user's name).</param>
/// <param name="Reason">Why.</param>
/// <param name="At">When the appeal was recorded.</param>
public sealed record EscalationAppeal(string AppealedBy, string Reason, DateTimeOffset At);
