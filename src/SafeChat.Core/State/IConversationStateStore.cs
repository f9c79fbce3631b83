using SafeChat.Conversations;
using SafeChat.Scoring;

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

/// <summary>One message to append to a conversation window. It carries no text.</summary>
/// <param name="MessageId">The host's message id, used to drop duplicates.</param>
/// <param name="AuthorId">The sender.</param>
/// <param name="AuthorAge">The sender's age band.</param>
/// <param name="Signals">The message's signals, as the scorer produced them.</param>
/// <param name="AuthorAssurance">How the sender's age band is known; stores keep it with the entry (see <see cref="Scoring.WindowMessage.AuthorAssurance"/>).</param>
public readonly record struct WindowAppend(string MessageId, string AuthorId, AgeBand AuthorAge, MessageSignals Signals, AgeAssurance AuthorAssurance = AgeAssurance.Unknown);

/// <summary>How much state a conversation keeps and for how long.</summary>
/// <param name="WindowSize">How many most recent messages the window keeps.</param>
/// <param name="MaxSalientMessages">How many older messages beyond the window are kept because a signal fired on them.</param>
/// <param name="SalientThreshold">The highest signal probability at which an older message counts as salient.</param>
/// <param name="DuplicateHistory">How many recent message ids are remembered to drop duplicates.</param>
/// <param name="IdleTimeout">How long an idle conversation is kept.</param>
public sealed record ConversationWindowLimits(
    int WindowSize,
    int MaxSalientMessages,
    float SalientThreshold,
    int DuplicateHistory,
    TimeSpan IdleTimeout);

/// <summary>The outcome of <see cref="IConversationStateStore.AppendAsync"/>.</summary>
/// <param name="MessageIndex">The message's 0-based index in the conversation (the original index for a duplicate).</param>
/// <param name="IsDuplicate">True when the message id had already been appended; the window did not change.</param>
/// <param name="Window">The window after the append, oldest first: salient older messages, then the recent ones.</param>
/// <param name="FirstAlertIndex">The index at which the conversation first raised an alert, if it has.</param>
public sealed record WindowAppendResult(
    int MessageIndex,
    bool IsDuplicate,
    IReadOnlyList<WindowMessage> Window,
    int? FirstAlertIndex);

/// <summary>The outcome of <see cref="IConversationStateStore.TrySetAlertAsync"/>.</summary>
/// <param name="IsFirst">True only for the caller whose alert was recorded as the conversation's first.</param>
/// <param name="FirstAlertIndex">The index of the conversation's first alert.</param>
public readonly record struct AlertClaim(bool IsFirst, int FirstAlertIndex);
