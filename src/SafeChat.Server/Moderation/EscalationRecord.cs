using SafeChat.Escalation;

namespace SafeChat.Server.Moderation;

/// <summary>An escalation in the moderation queue, with its review state.</summary>
/// <param name="Escalation">The escalation as raised (ids, scores, signals; never text).</param>
/// <param name="Status">The review status.</param>
public sealed record EscalationRecord(EscalationEvent Escalation, EscalationStatus Status)
{
    /// <summary>The record's id: the escalation's idempotency key.</summary>
    public string Id => Escalation.IdempotencyKey;

    /// <summary>The latest reviewer decision, if any.</summary>
    public EscalationReview? Review { get; init; }

    /// <summary>The appeal, if any.</summary>
    public EscalationAppeal? Appeal { get; init; }
}
