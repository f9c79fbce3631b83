namespace SafeChat.Cli;

/// <summary>
/// One reviewed escalation, as the moderation API exports it: one JSONL line
/// <c>{"conversation_id", "harm", "decision": "confirmed"|"false_positive", "reviewed_at", "reviewer"?, "subject_user_id"?}</c>
/// (the server's <c>GET /safechat/moderation/reviews</c> writes it, without the reviewer).
/// A confirmed review makes the conversation positive for that harm; a false positive makes it negative.
/// </summary>
/// <param name="ConversationId">The conversation's id (the gold line's <c>id</c>).</param>
/// <param name="Harm">The harm that was escalated (<c>grooming</c>, <c>sextortion</c>).</param>
/// <param name="Confirmed">True for <c>confirmed</c>, false for <c>false_positive</c>.</param>
/// <param name="ReviewedAt">When the reviewer decided; the latest decision per conversation and harm wins.</param>
/// <param name="Reviewer">The reviewer's id, when exported.</param>
/// <param name="LineNumber">The 1-based line of the reviews file.</param>
/// <param name="SubjectUserId">The reported user, when exported: the offender a confirmed case labels (training uses it).</param>
internal sealed record ReviewerDecision(string ConversationId, string Harm, bool Confirmed, DateTimeOffset ReviewedAt, string? Reviewer, int LineNumber, string? SubjectUserId = null);
