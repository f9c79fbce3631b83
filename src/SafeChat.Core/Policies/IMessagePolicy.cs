using SafeChat.Conversations;
using SafeChat.Scoring;

namespace SafeChat.Policies;

/// <summary>
/// Turns what the engine knows about a message (or a join) into decisions. The engine calls it once per message,
/// after scoring. Implementations must be thread-safe.
/// </summary>
public interface IMessagePolicy
{
    /// <summary>A version string recorded with every decision and escalation (policy id plus content hash).</summary>
    string Version { get; }

    /// <summary>Decides what to do with one message.</summary>
    ValueTask<IReadOnlyList<Decision>> EvaluateMessageAsync(MessageContext context, CancellationToken cancellationToken = default);

    /// <summary>Decides whether a user may join a room.</summary>
    ValueTask<IReadOnlyList<Decision>> EvaluateJoinAsync(JoinContext context, CancellationToken cancellationToken = default);
}

/// <summary>Counters the engine keeps per user across conversations.</summary>
public sealed record UserCounters
{
    /// <summary>Distinct minors this user has sent messages to in the last 24 hours.</summary>
    public int DistinctMinorsContacted24h { get; init; }

    /// <summary>Distinct conversations this user has sent messages in during the last 24 hours.</summary>
    public int DistinctConversations24h { get; init; }

    /// <summary>Messages this user sent in the last hour.</summary>
    public int MessagesLastHour { get; init; }

    /// <summary>Looks a counter up by its policy-file name (for example <c>distinct_minors_24h</c>); null when unknown.</summary>
    public int? Get(string name) => name switch
    {
        "distinct_minors_24h" => DistinctMinorsContacted24h,
        "distinct_conversations_24h" => DistinctConversations24h,
        "messages_1h" => MessagesLastHour,
        _ => null,
    };

    /// <summary>The counter names a policy may use.</summary>
    public static IReadOnlyList<string> Names { get; } = ["distinct_minors_24h", "distinct_conversations_24h", "messages_1h"];
}

/// <summary>Cheap features of a message that rules can use. Never contains the text itself.</summary>
public sealed record MessageFeatures
{
    /// <summary>The message contains a link.</summary>
    public bool HasLink { get; init; }

    /// <summary>The message carries an image or video.</summary>
    public bool HasImage { get; init; }

    /// <summary>The message contains something that looks like a phone number or a handle on another platform.</summary>
    public bool HasContactHandle { get; init; }

    /// <summary>The message length in characters.</summary>
    public int Length { get; init; }
}

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

    /// <summary>The 0-based index of the message in the conversation.</summary>
    public int MessageIndex { get; init; }

    /// <summary>The conversation's risk after this message.</summary>
    public RiskAssessment Assessment { get; init; } = RiskAssessment.None;

    /// <summary>The sender's own risk after this message (from <see cref="RiskAssessment.Authors"/>), per harm.</summary>
    public IReadOnlyDictionary<string, float> SenderHarms { get; init; } = new Dictionary<string, float>();

    /// <summary>Signal names that fired on this message.</summary>
    public IReadOnlyList<string> MessageSignals { get; init; } = [];

    /// <summary>The sender's cross-conversation counters.</summary>
    public UserCounters SenderCounters { get; init; } = new();

    /// <summary>Message features.</summary>
    public MessageFeatures Features { get; init; } = new();

    /// <summary>The model version that produced the assessment.</summary>
    public string? ModelVersion { get; init; }
}

/// <summary>Everything a policy may look at when a user asks to join a room.</summary>
public sealed record JoinContext
{
    /// <summary>The room.</summary>
    public required Room Room { get; init; }

    /// <summary>The user who wants to join.</summary>
    public required Participant Joiner { get; init; }

    /// <summary>The room's current members.</summary>
    public required IReadOnlyList<Participant> Members { get; init; }

    /// <summary>Member ids the joiner is connected to.</summary>
    public IReadOnlyCollection<string> ConnectedMemberIds { get; init; } = [];
}
