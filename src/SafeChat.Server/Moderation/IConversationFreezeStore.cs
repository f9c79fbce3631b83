namespace SafeChat.Server.Moderation;

/// <summary>
/// Remembers which conversations are frozen (a <c>freeze</c> decision): no message is delivered in them until a reviewer
/// lifts the freeze. Shared by every node when backed by Redis. Implementations must be thread-safe.
/// </summary>
public interface IConversationFreezeStore
{
    /// <summary>Freezes a conversation because of a rule; a no-op when it is already frozen.</summary>
    ValueTask FreezeAsync(string conversationId, string ruleId, CancellationToken cancellationToken = default);

    /// <summary>Returns the rule that froze the conversation, or null when it is not frozen.</summary>
    ValueTask<string?> GetFreezeAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Lifts a freeze; returns false when the conversation was not frozen.</summary>
    ValueTask<bool> UnfreezeAsync(string conversationId, CancellationToken cancellationToken = default);
}
