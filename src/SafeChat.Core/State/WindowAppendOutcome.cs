using SafeChat.Scoring;

namespace SafeChat.State;

/// <summary>
/// What <see cref="WindowAppendResult"/> says, as a value: the built-in store's append hands it to the engine without a
/// result object per message.
/// </summary>
/// <param name="MessageIndex">The message's 0-based index in the conversation (the original index for a duplicate).</param>
/// <param name="IsDuplicate">True when the message id had already been appended; the window did not change.</param>
/// <param name="Window">The window after the append, oldest first.</param>
/// <param name="FirstAlertIndex">The index at which the conversation first raised an alert, if it has.</param>
internal readonly record struct WindowAppendOutcome(int MessageIndex, bool IsDuplicate, IReadOnlyList<WindowMessage> Window, int? FirstAlertIndex);
