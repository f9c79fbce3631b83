namespace SafeChat.Engine;

/// <summary>Where a <see cref="SafeChatEngine"/> takes "now" from for each message.</summary>
public enum EngineClock
{
    /// <summary>
    /// The engine's <see cref="TimeProvider"/> (the wall clock by default): the live setting, where a message is
    /// processed the moment it is sent.
    /// </summary>
    TimeProvider = 0,

    /// <summary>
    /// Each message's own <see cref="Conversations.ChatMessage.Timestamp"/>: for replaying recorded chat (the
    /// <c>safechat score</c> default and the training tool's evaluation replay). Every conversation's idle expiry and
    /// dormancy are judged by the times of its own messages, and every user's 24 h and one-hour counters by the times of
    /// that user's messages, so conversations replayed in parallel never share one clock. A message whose timestamp is
    /// <c>default(DateTimeOffset)</c> uses the <see cref="TimeProvider"/>. Idle conversations are not swept in passing in
    /// this mode (each one is judged when its next message arrives); the conversation caps still bound memory.
    /// </summary>
    MessageTime = 1,
}
