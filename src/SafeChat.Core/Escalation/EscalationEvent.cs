using SafeChat.Policies;

namespace SafeChat.Escalation;

/// <summary>
/// An escalation handed to the host's hooks. It carries ids, scores and signals, never message text;
/// evidence (the thread export) is built separately and goes on preservation hold.
/// </summary>
/// <param name="IdempotencyKey">Stable for the same rule, conversation and subject: a receiver deduplicates on it.</param>
/// <param name="RuleId">The rule that escalated.</param>
/// <param name="Severity">How urgent it is.</param>
/// <param name="ConversationId">The conversation (room) id.</param>
/// <param name="SubjectUserId">The user the escalation is about (the reported user).</param>
/// <param name="RaisedAt">When the escalation was raised.</param>
public sealed record EscalationEvent(
    string IdempotencyKey,
    string RuleId,
    Severity Severity,
    string ConversationId,
    string SubjectUserId,
    DateTimeOffset RaisedAt)
{
    /// <summary>Risk per harm at the time of the escalation.</summary>
    public IReadOnlyDictionary<string, float> Harms { get; init; } = new Dictionary<string, float>();

    /// <summary>The signals that fired (names only).</summary>
    public IReadOnlyList<string> Signals { get; init; } = [];

    /// <summary>The 0-based index of the message that triggered it.</summary>
    public int MessageIndex { get; init; }

    /// <summary>The model version that scored the conversation.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>The policy version (policy id plus content hash).</summary>
    public string? PolicyVersion { get; init; }

    /// <summary>True when raised by a shadow-mode rule.</summary>
    public bool Shadow { get; init; }

    /// <summary>
    /// The message's attachments found on known-image hash lists (the file's hashes and the list that matched, never
    /// the image); empty otherwise. The evidence bundle of such an escalation is an "Apparent Child Pornography" report.
    /// </summary>
    public IReadOnlyList<Matching.ImageMatch> ImageMatches { get; init; } = [];
}
