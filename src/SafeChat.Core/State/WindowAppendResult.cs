using SafeChat.Scoring;

namespace SafeChat.State;

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
