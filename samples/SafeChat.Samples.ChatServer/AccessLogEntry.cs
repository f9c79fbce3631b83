namespace SafeChat.Samples.ChatServer;

/// <summary>One case view by a moderator: who saw which conversation's text, and when.</summary>
internal sealed record AccessLogEntry(DateTimeOffset At, string Viewer, string EscalationId, string ConversationId, int MessagesShown);
