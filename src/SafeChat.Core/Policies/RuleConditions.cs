using SafeChat.Conversations;

namespace SafeChat.Policies;

/// <summary>
/// The conditions of a rule. Every condition that is set must hold (logical AND). Null means "any".
/// Recipient conditions (age, assurance, connected, and the per-age-band risk threshold) must hold for at least one
/// recipient; for join rules "sender" means the joiner and "recipients" the room's members.
/// </summary>
public sealed record RuleConditions
{
    /// <summary>Room kinds (file key <c>room</c>).</summary>
    public IReadOnlyList<RoomKind>? Rooms { get; init; }

    /// <summary>Sender (or joiner) age bands (file keys <c>sender_age</c> / <c>joiner_age</c>).</summary>
    public IReadOnlyList<AgeBand>? SenderAges { get; init; }

    /// <summary>Sender (or joiner) age assurance levels (file keys <c>sender_assurance</c> / <c>joiner_assurance</c>).</summary>
    public IReadOnlyList<AgeAssurance>? SenderAssurance { get; init; }

    /// <summary>Recipient (or member) age bands (file keys <c>recipient_age</c> / <c>member_age</c>).</summary>
    public IReadOnlyList<AgeBand>? RecipientAges { get; init; }

    /// <summary>Recipient (or member) age assurance levels (file keys <c>recipient_assurance</c> / <c>member_assurance</c>).</summary>
    public IReadOnlyList<AgeAssurance>? RecipientAssurance { get; init; }

    /// <summary>Whether the sender must (true) or must not (false) be connected to the recipient (file key <c>connected</c>).</summary>
    public bool? Connected { get; init; }

    /// <summary>How the sender is related to the recipient (file key <c>relationship</c>; a recipient condition).</summary>
    public RelationshipCondition? Relationship { get; init; }

    /// <summary>
    /// Whether the sender must (true) or must not (false) be under a hold placed by a <c>hold-sender</c> action in this
    /// conversation (file key <c>sender_held</c>; message rules only).
    /// </summary>
    public bool? SenderHeld { get; init; }

    /// <summary>A risk condition (file key <c>risk</c>; message rules only).</summary>
    public RiskCondition? Risk { get; init; }

    /// <summary>Any of these signals fired on this message (file key <c>message_signals</c>; message rules only).</summary>
    public IReadOnlyList<string>? MessageSignals { get; init; }

    /// <summary>Any of these signals explains the conversation's risk (file key <c>conversation_signals</c>; message rules only).</summary>
    public IReadOnlyList<string>? ConversationSignals { get; init; }

    /// <summary>Sender counters and their ranges, by <see cref="UserCounters.Names"/> (file key <c>counters</c>; message rules only).</summary>
    public IReadOnlyDictionary<string, CounterRange>? Counters { get; init; }

    /// <summary>The message has any of these features (file key <c>features</c>; message rules only).</summary>
    public IReadOnlyList<MessageFeature>? Features { get; init; }
}
