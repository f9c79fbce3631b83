using SafeChat.Conversations;
using SafeChat.Policies;

namespace SafeChat.Evidence;

/// <summary>
/// A CyberTip-ready evidence bundle for one escalation: what a report to NCMEC's CyberTipline (or the IWF/NCA in the UK)
/// needs, built from the escalation and the thread the host supplies. SafeChat never sends it anywhere: the host's
/// escalation hook does. Serialise it with <see cref="EvidenceJson"/>.
/// </summary>
public sealed record EvidenceBundle
{
    /// <summary>The bundle format version (<see cref="CurrentSchemaVersion"/>).</summary>
    public string SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>The escalation's idempotency key.</summary>
    public string IdempotencyKey { get; init; } = string.Empty;

    /// <summary>The CyberTipline incident type (see <see cref="CyberTipIncidentTypes"/>).</summary>
    public string IncidentType { get; init; } = string.Empty;

    /// <summary>The harm that dominated the escalation (<c>grooming</c> or <c>sextortion</c>).</summary>
    public string PrimaryHarm { get; init; } = string.Empty;

    /// <summary>True when the report should be escalated to high priority (likely imminent harm to a child).</summary>
    public bool EscalateToHighPriority { get; init; }

    /// <summary>When the incident happened: the reported user's last message at or before the escalation.</summary>
    public DateTimeOffset IncidentDateTime { get; init; }

    /// <summary>When SafeChat raised the escalation.</summary>
    public DateTimeOffset EscalatedAt { get; init; }

    /// <summary>When this bundle was built.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Where it happened (CyberTipline "Internet Details").</summary>
    public IReadOnlyList<InternetDetail> InternetDetails { get; init; } = [];

    /// <summary>The reported user.</summary>
    public ReportedUser ReportedUser { get; init; } = new();

    /// <summary>The child: age band and how it is known, nothing more.</summary>
    public VictimInfo Victim { get; init; } = new();

    /// <summary>The conversation as the host supplied it, with a SHA-256 per message.</summary>
    public ThreadExport Thread { get; init; } = new();

    /// <summary>Why SafeChat escalated: rule, severity, harms, signals, model and policy versions.</summary>
    public DetectionDetails Detection { get; init; } = new();

    /// <summary>The schema version this build writes.</summary>
    public const string CurrentSchemaVersion = "safechat.evidence/1";
}

/// <summary>The CyberTipline's "Internet Details" categories SafeChat deals with.</summary>
public enum InternetDetailType
{
    /// <summary>Chat or instant messaging.</summary>
    ChatIm = 0,
    /// <summary>Chat inside an online game.</summary>
    OnlineGaming = 1,
}

/// <summary>One "Internet Details" entry.</summary>
public sealed record InternetDetail
{
    /// <summary>The category.</summary>
    public InternetDetailType Type { get; init; }

    /// <summary>The host's service or game name, when configured.</summary>
    public string? ServiceName { get; init; }

    /// <summary>The conversation (room) id on the host platform.</summary>
    public string ConversationId { get; init; } = string.Empty;
}

/// <summary>The reported user as the host knows them.</summary>
public sealed record ReportedUser
{
    /// <summary>The platform's user id.</summary>
    public string PlatformUserId { get; init; } = string.Empty;

    /// <summary>The screen name, when the host supplied one.</summary>
    public string? ScreenName { get; init; }

    /// <summary>The reported user's age band, where known.</summary>
    public AgeBand AgeBand { get; init; }

    /// <summary>How that age band is known.</summary>
    public AgeAssurance AgeAssurance { get; init; }
}

/// <summary>The victim, minimised: no name, no id, no exact age.</summary>
public sealed record VictimInfo
{
    /// <summary>The age band.</summary>
    public AgeBand AgeBand { get; init; }

    /// <summary>How the age band is known.</summary>
    public AgeAssurance AgeAssurance { get; init; }
}

/// <summary>Who wrote a message of the thread, relative to the report.</summary>
public enum AuthorRole
{
    /// <summary>Someone else in the room.</summary>
    Other = 0,
    /// <summary>The reported user.</summary>
    ReportedUser = 1,
    /// <summary>The victim.</summary>
    Victim = 2,
}

/// <summary>The conversation export.</summary>
public sealed record ThreadExport
{
    /// <summary>The conversation (room) id.</summary>
    public string ConversationId { get; init; } = string.Empty;

    /// <summary>The messages, in the order the host supplied them.</summary>
    public IReadOnlyList<EvidenceMessage> Messages { get; init; } = [];
}

/// <summary>One message of the thread export.</summary>
public sealed record EvidenceMessage
{
    /// <summary>The host's message id.</summary>
    public string MessageId { get; init; } = string.Empty;

    /// <summary>The author's role in the report.</summary>
    public AuthorRole AuthorRole { get; init; }

    /// <summary>The author's platform id.</summary>
    public string AuthorId { get; init; } = string.Empty;

    /// <summary>When the message was sent.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The message text.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>True when the message carried an image or video (the media itself is the host's to attach).</summary>
    public bool HasImage { get; init; }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <see cref="Text"/>.</summary>
    public string TextSha256 { get; init; } = string.Empty;
}

/// <summary>What SafeChat detected and which versions decided it.</summary>
public sealed record DetectionDetails
{
    /// <summary>The rule that escalated.</summary>
    public string RuleId { get; init; } = string.Empty;

    /// <summary>The escalation severity.</summary>
    public Severity Severity { get; init; }

    /// <summary>True when a shadow-mode rule raised it.</summary>
    public bool Shadow { get; init; }

    /// <summary>The index of the triggering message in the conversation.</summary>
    public int MessageIndex { get; init; }

    /// <summary>Risk per harm, keys in ordinal order.</summary>
    public IReadOnlyDictionary<string, float> Harms { get; init; } = new Dictionary<string, float>();

    /// <summary>The signals that fired.</summary>
    public IReadOnlyList<string> Signals { get; init; } = [];

    /// <summary>The model version.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>The policy version.</summary>
    public string? PolicyVersion { get; init; }
}
