using SafeChat.State;

namespace SafeChat.Engine;

/// <summary>
/// Settings of a <see cref="SafeChatEngine"/>. They are validated and copied when the engine is built; changing the
/// instance afterwards has no effect on that engine.
/// </summary>
public sealed class SafeChatEngineOptions
{
    /// <summary>
    /// Matches image attachments against known-image hash lists (for example SafeChat.Imaging's <c>HashListMatcher</c>).
    /// Called only for messages with <see cref="Conversations.ChatMessage.Attachments"/>; its matches reach the policy
    /// in the same call (<see cref="Policies.MessageContext.ImageMatches"/>, feature <c>known_csam_match</c>). Null: no
    /// image matching.
    /// </summary>
    public Matching.IImageMatcher? ImageMatcher { get; set; }

    /// <summary>
    /// Matches each message's sender and text against indicators partner platforms shared (SafeChat.Imaging's
    /// <c>SharedSignalMatcher</c>); a match sets the <c>shared_signal_lead</c> feature, a lead for review. Null: none.
    /// </summary>
    public Matching.ISharedSignalMatcher? SharedSignalMatcher { get; set; }

    /// <summary>The most recent messages kept per conversation for scoring. Default 50; at least 1.</summary>
    public int WindowSize { get; set; } = 50;

    /// <summary>
    /// How many older messages beyond the window are kept because a signal fired on them, so a slow burn's early moves
    /// still count. Default 32; 0 disables it.
    /// </summary>
    public int MaxSalientMessages { get; set; } = 32;

    /// <summary>The highest signal probability at which a message leaving the window is kept as salient. Default 0.3; in [0,1].</summary>
    public float SalientThreshold { get; set; } = 0.3f;

    /// <summary>The probability at which a signal counts as fired on a message. Default 0.5; in (0,1].</summary>
    public float SignalThreshold { get; set; } = 0.5f;

    /// <summary>How many recent message ids each conversation remembers to drop duplicates. Default 128; 0 disables it.</summary>
    public int DuplicateHistory { get; set; } = 128;

    /// <summary>How long an idle conversation's state is kept. Default 2 hours; positive.</summary>
    public TimeSpan ConversationIdleTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// How long a conversation that went idle (see <see cref="ConversationIdleTimeout"/>) keeps its text-free state in
    /// compact form, so a slow burn that resumes days later continues its risk instead of starting from zero: the window's
    /// signal scores quantized to bytes, author ids hashed, ages, message indices and the first-alert latch. Past it the
    /// state is dropped. Default 30 days; <see cref="TimeSpan.Zero"/> disables it (an idle conversation starts over).
    /// </summary>
    public TimeSpan ConversationDormancy { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The most dormant conversations the default in-memory store keeps (least recently idle dropped first). Each takes
    /// about 60 bytes per kept message with 13 signals (at most <see cref="WindowSize"/> + <see cref="MaxSalientMessages"/> messages).
    /// Default 20,000; at least 1.
    /// </summary>
    public int MaxDormantConversations { get; set; } = InMemoryConversationStateStore.DefaultMaxDormantConversations;

    /// <summary>
    /// Where the engine takes "now" from: its <see cref="TimeProvider"/> (default, live use) or each message's own
    /// timestamp (<see cref="EngineClock.MessageTime"/>, replaying recorded chat).
    /// </summary>
    public EngineClock Clock { get; set; } = EngineClock.TimeProvider;

    /// <summary>How long an idle user's state is kept. Default 25 hours; at least 24 hours (the longest counter window).</summary>
    public TimeSpan UserIdleTimeout { get; set; } = InMemoryUserStateStore.DefaultIdleTimeout;

    /// <summary>The most conversations the default in-memory store keeps (least recently used evicted). Default 100,000.</summary>
    public int MaxConversations { get; set; } = InMemoryConversationStateStore.DefaultMaxConversations;

    /// <summary>The most users the default in-memory user store keeps (least recently active evicted). Default 100,000.</summary>
    public int MaxUsers { get; set; } = InMemoryUserStateStore.DefaultMaxUsers;

    /// <summary>The cap on distinct minors and on distinct conversations remembered per user. Default 1,024.</summary>
    public int MaxContactsPerUser { get; set; } = InMemoryUserStateStore.DefaultMaxContactsPerUser;

    /// <summary>
    /// The budget of contact slots (distinct minors plus distinct conversations) the default in-memory user store holds
    /// across all users; the least recently active users are dropped beyond it, so memory stays flat. Default
    /// <see cref="InMemoryUserStateStore.DefaultMaxTotalContacts"/>.
    /// </summary>
    public int MaxTotalContacts { get; set; } = InMemoryUserStateStore.DefaultMaxTotalContacts;

    /// <summary>
    /// The most characters of a message passed to the scorer. Longer text is truncated for scoring, never rejected.
    /// Default 65,536; at least 1.
    /// </summary>
    public int MaxScoredCharacters { get; set; } = 65_536;

    /// <summary>
    /// How many conversations <see cref="SafeChatEngine.ProcessBatchAsync(IReadOnlyList{MessageEnvelope}, CancellationToken)"/> advances at once (and how many scoring
    /// batches it runs at once). Default: the number of processors; at least 1. The results never depend on it.
    /// </summary>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Per-harm alert thresholds that override the scorer's <see cref="Scoring.ScorerDescriptor.AlertThresholds"/>.
    /// Keys are <see cref="Scoring.HarmNames"/>; values in (0,1].
    /// </summary>
    public IDictionary<string, float> AlertThresholds { get; } = new Dictionary<string, float>(StringComparer.Ordinal);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        RequireAtLeast(WindowSize, 1, nameof(WindowSize));
        RequireAtLeast(MaxSalientMessages, 0, nameof(MaxSalientMessages));
        RequireAtLeast(DuplicateHistory, 0, nameof(DuplicateHistory));
        RequireAtLeast(MaxConversations, 1, nameof(MaxConversations));
        RequireAtLeast(MaxUsers, 1, nameof(MaxUsers));
        RequireAtLeast(MaxDormantConversations, 1, nameof(MaxDormantConversations));
        RequireAtLeast(MaxContactsPerUser, 1, nameof(MaxContactsPerUser));
        RequireAtLeast(MaxTotalContacts, 1, nameof(MaxTotalContacts));
        RequireAtLeast(MaxScoredCharacters, 1, nameof(MaxScoredCharacters));
        RequireAtLeast(MaxDegreeOfParallelism, 1, nameof(MaxDegreeOfParallelism));
        if (float.IsNaN(SalientThreshold) || SalientThreshold < 0f || SalientThreshold > 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(SalientThreshold), SalientThreshold, "SalientThreshold must be in [0,1].");
        }

        if (float.IsNaN(SignalThreshold) || SignalThreshold <= 0f || SignalThreshold > 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(SignalThreshold), SignalThreshold, "SignalThreshold must be in (0,1].");
        }

        if (ConversationIdleTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ConversationIdleTimeout), ConversationIdleTimeout, "ConversationIdleTimeout must be positive.");
        }

        if (ConversationDormancy < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ConversationDormancy), ConversationDormancy, "ConversationDormancy cannot be negative.");
        }

        if (Clock is not (EngineClock.TimeProvider or EngineClock.MessageTime))
        {
            throw new ArgumentOutOfRangeException(nameof(Clock), Clock, "Clock must be TimeProvider or MessageTime.");
        }

        if (UserIdleTimeout < TimeSpan.FromHours(24))
        {
            throw new ArgumentOutOfRangeException(nameof(UserIdleTimeout), UserIdleTimeout, "UserIdleTimeout must be at least 24 hours, the longest counter window.");
        }

        foreach (var pair in AlertThresholds)
        {
            if (string.IsNullOrEmpty(pair.Key) || float.IsNaN(pair.Value) || pair.Value <= 0f || pair.Value > 1f)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(AlertThresholds),
                    pair.Value,
                    $"AlertThresholds[\"{pair.Key}\"] must name a harm and be in (0,1].");
            }
        }
    }

    private static void RequireAtLeast(int value, int minimum, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least {minimum}.");
        }
    }
}
