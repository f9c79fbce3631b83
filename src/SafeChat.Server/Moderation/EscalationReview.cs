namespace SafeChat.Server.Moderation;

/// <summary>A reviewer's decision on an escalation.</summary>
/// <param name="Outcome">Confirmed or false positive.</param>
/// <param name="Reviewer">Who reviewed it (the authenticated reviewer's name).</param>
/// <param name="Note">An optional note; must not contain message text the reviewer did not intend to keep.</param>
/// <param name="At">When the decision was recorded.</param>
public sealed record EscalationReview(ReviewOutcome Outcome, string Reviewer, string? Note, DateTimeOffset At);
