namespace SafeChat.Samples.ChatServer;

/// <summary>The chat page's family link: <c>from</c> is <c>to</c>'s guardian (or family, teacher-coach, friend).</summary>
internal sealed record RelationshipRequest(string? From, string? To, string? Kind);
