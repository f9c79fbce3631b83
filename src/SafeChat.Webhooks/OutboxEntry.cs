namespace SafeChat.Webhooks;

/// <summary>One handler's delivery of one escalation in the outbox.</summary>
/// <param name="Id">The escalation's row id.</param>
/// <param name="IdempotencyKey">The escalation's idempotency key (unique in the outbox).</param>
/// <param name="Handler">The handler's name (<c>webhook</c> for the <see cref="WebhookEscalationHandler"/>).</param>
/// <param name="PayloadJson">The escalation as stored when it was accepted (the webhook body).</param>
/// <param name="Status">The delivery's status.</param>
/// <param name="Attempts">Delivery attempts made.</param>
/// <param name="CreatedAt">When the escalation was accepted.</param>
/// <param name="NextAttemptAt">When a pending delivery is due.</param>
public sealed record OutboxEntry(long Id, string IdempotencyKey, string Handler, string PayloadJson, OutboxStatus Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt)
{
    /// <summary>When it was delivered.</summary>
    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>When it was dead-lettered.</summary>
    public DateTimeOffset? DeadLetteredAt { get; init; }

    /// <summary>The last failure: a short status (an HTTP status class, <c>timeout</c>, <c>exception</c>), never a response body.</summary>
    public string? LastError { get; init; }
}
