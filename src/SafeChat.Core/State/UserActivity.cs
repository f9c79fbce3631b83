namespace SafeChat.State;

/// <summary>One message sent by a user, as the user state sees it (no text).</summary>
/// <param name="UserId">The sender.</param>
/// <param name="ConversationId">The conversation (room) the message was sent in.</param>
/// <param name="MinorRecipientIds">The recipients known to be under 18.</param>
/// <param name="At">When the message was processed.</param>
public sealed record UserActivity(string UserId, string ConversationId, IReadOnlyList<string> MinorRecipientIds, DateTimeOffset At);
