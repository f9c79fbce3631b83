namespace SafeChat.State;

/// <summary>
/// Keeps the bounded per-conversation state of the streaming engine: the window of recent (and salient older)
/// messages, the message-id history used to drop duplicates, and the first alert. Entries hold no message text.
/// Implementations must be thread-safe; a distributed implementation (for example Redis) must make
/// <see cref="AppendAsync"/> and <see cref="TrySetAlertAsync"/> atomic per conversation, because several nodes may race.
/// </summary>
public interface IConversationStateStore
{
    /// <summary>
    /// Appends one message to a conversation's window, assigning it the next 0-based index, and returns the window
    /// after the append. When the message id was already appended, nothing changes and the result is marked
    /// <see cref="WindowAppendResult.IsDuplicate"/> with the original index.
    /// </summary>
    /// <param name="conversationId">The conversation (room) id.</param>
    /// <param name="entry">The message, without text.</param>
    /// <param name="limits">Window size, salient retention, duplicate history and idle expiry to apply.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<WindowAppendResult> AppendAsync(
        string conversationId,
        WindowAppend entry,
        ConversationWindowLimits limits,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that the conversation raised an alert at <paramref name="messageIndex"/>, unless an alert was already
    /// recorded. Exactly one caller per conversation gets <see cref="AlertClaim.IsFirst"/> = true.
    /// </summary>
    /// <param name="conversationId">The conversation (room) id.</param>
    /// <param name="messageIndex">The index of the message that crossed an alert threshold.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<AlertClaim> TrySetAlertAsync(string conversationId, int messageIndex, CancellationToken cancellationToken = default);

    /// <summary>Forgets a conversation (for example when the host deletes the room). Unknown ids are ignored.</summary>
    /// <param name="conversationId">The conversation (room) id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask RemoveAsync(string conversationId, CancellationToken cancellationToken = default);
}
