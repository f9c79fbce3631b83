using SafeChat.Conversations;
using SafeChat.Scoring;

namespace SafeChat.Policies;

/// <summary>Everything a policy may look at for one message.</summary>
public sealed record MessageContext
{
    /// <summary>The message. Policies must not copy its text into decisions.</summary>
    public required ChatMessage Message { get; init; }

    /// <summary>The room.</summary>
    public required Room Room { get; init; }

    /// <summary>The sender.</summary>
    public required Participant Sender { get; init; }

    /// <summary>The other participants of the room (the recipients).</summary>
    public required IReadOnlyList<Participant> Recipients { get; init; }

    /// <summary>Recipient ids the sender is connected to (friends, contacts, family link).</summary>
    public IReadOnlyCollection<string> ConnectedRecipientIds { get; init; } = [];

    /// <summary>
    /// How the sender is related to recipients, by recipient id (<see cref="Relationship"/>, read from the sender's side).
    /// A related recipient counts as connected for the <c>connected</c> condition.
    /// </summary>
    public IReadOnlyDictionary<string, Relationship> RecipientRelationships { get; init; } = NoRelationships;

    /// <summary>
    /// The model's calibrated per-harm alert thresholds (<see cref="ScorerDescriptor.AlertThresholds"/> as the engine
    /// applies them); policy thresholds written as <c>"model"</c> are read relative to them. Null when unknown.
    /// </summary>
    public IReadOnlyDictionary<string, float>? ModelAlertThresholds { get; init; }

    /// <summary>The 0-based index of the message in the conversation.</summary>
    public int MessageIndex { get; init; }

    /// <summary>The conversation's risk after this message.</summary>
    public RiskAssessment Assessment { get; init; } = RiskAssessment.None;

    /// <summary>The sender's own risk after this message (from <see cref="RiskAssessment.Authors"/>), per harm.</summary>
    public IReadOnlyDictionary<string, float> SenderHarms { get; init; } = NoHarms;

    /// <summary>Signal names that fired on this message.</summary>
    public IReadOnlyList<string> MessageSignals { get; init; } = [];

    /// <summary>The sender's cross-conversation counters.</summary>
    public UserCounters SenderCounters { get; init; } = NoCounters;

    /// <summary>Message features.</summary>
    public MessageFeatures Features { get; init; } = NoFeatures;

    /// <summary>The model version that produced the assessment.</summary>
    public string? ModelVersion { get; init; }

    internal static readonly IReadOnlyDictionary<string, Relationship> NoRelationships = new Dictionary<string, Relationship>();

    // The defaults of the properties above, shared (immutable, and replaced by every context the engine builds): no empty
    // dictionary and records made for each message only to be overwritten by the initializer.
    private static readonly IReadOnlyDictionary<string, float> NoHarms = new Dictionary<string, float>();
    private static readonly UserCounters NoCounters = new();
    private static readonly MessageFeatures NoFeatures = new();

    /// <summary>
    /// The message's image attachments found on a known-image hash list (by the engine's
    /// <see cref="Matching.IImageMatcher"/>); empty for a text-only message or when nothing matched.
    /// </summary>
    public IReadOnlyList<Matching.ImageMatch> ImageMatches { get; init; } = [];

    /// <summary>
    /// Partner indicators (hashed, shared between platforms) that matched the sender or the message, from the engine's
    /// <see cref="Matching.ISharedSignalMatcher"/>: leads for review, never proof. Empty when none matched.
    /// </summary>
    public IReadOnlyList<Matching.SharedSignalLead> SharedSignalLeads { get; init; } = [];
}
