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

    /// <summary>The harm that dominated the escalation (<c>grooming</c>, <c>sextortion</c>, or <c>known_csam_match</c> for a known image).</summary>
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

    /// <summary>
    /// The files found on known-image hash lists: each file's hashes (PDQ with quality, MD5, SHA-256), the list that
    /// matched, the list's hash, distance and label. Never the image itself. Empty for text-only escalations.
    /// </summary>
    public IReadOnlyList<Matching.ImageMatch> KnownImages { get; init; } = [];

    /// <summary>The schema version this build writes.</summary>
    public const string CurrentSchemaVersion = "safechat.evidence/1";
}
