namespace SafeChat.Server.Moderation;

/// <summary>One line of the reviewer-decisions export (<c>GET …/reviews</c>): labelled data for eval, tune and training.</summary>
/// <param name="ConversationId">The conversation (room) id.</param>
/// <param name="Harm">The escalation's riskiest harm.</param>
/// <param name="Decision"><c>confirmed</c> or <c>false_positive</c>.</param>
/// <param name="ReviewedAt">When the reviewer decided.</param>
/// <param name="SubjectUserId">The reported user (the author a confirmed case labels as the offender).</param>
/// <param name="EscalationId">The escalation's id (its idempotency key).</param>
internal sealed record ReviewExportLine(string ConversationId, string? Harm, string Decision, DateTimeOffset ReviewedAt, string SubjectUserId, string EscalationId);
