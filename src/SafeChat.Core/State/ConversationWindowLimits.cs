namespace SafeChat.State;

/// <summary>How much state a conversation keeps and for how long.</summary>
/// <param name="WindowSize">How many most recent messages the window keeps.</param>
/// <param name="MaxSalientMessages">How many older messages beyond the window are kept because a signal fired on them.</param>
/// <param name="SalientThreshold">The highest signal probability at which an older message counts as salient.</param>
/// <param name="DuplicateHistory">How many recent message ids are remembered to drop duplicates.</param>
/// <param name="IdleTimeout">How long an idle conversation is kept in full.</param>
public sealed record ConversationWindowLimits(
    int WindowSize,
    int MaxSalientMessages,
    float SalientThreshold,
    int DuplicateHistory,
    TimeSpan IdleTimeout)
{
    /// <summary>
    /// How long, after <see cref="IdleTimeout"/>, an idle conversation keeps its text-free state in compact form
    /// (quantized signals, hashed author ids, indices, the first-alert latch) so that it resumes where it stopped.
    /// <see cref="TimeSpan.Zero"/> (the default) drops it at the idle timeout.
    /// </summary>
    public TimeSpan Dormancy { get; init; }
}
