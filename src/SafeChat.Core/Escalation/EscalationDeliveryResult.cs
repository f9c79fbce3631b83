namespace SafeChat.Escalation;

/// <summary>The outcome of one delivery attempt, as the dispatcher records it in the <see cref="IEscalationStore"/>.</summary>
/// <param name="IdempotencyKey">The escalation's idempotency key.</param>
/// <param name="Outcome">Delivered, retry or dead-lettered.</param>
/// <param name="Attempts">Attempts made so far, this one included.</param>
/// <param name="At">When the attempt ended.</param>
/// <param name="NextAttemptAt">For <see cref="EscalationDeliveryOutcome.Retry"/>: when the next attempt is due.</param>
/// <param name="Error">For a failure: a short status (an HTTP status class, <c>timeout</c>, <c>exception</c>), never text or ids.</param>
public sealed record EscalationDeliveryResult(
    string IdempotencyKey,
    EscalationDeliveryOutcome Outcome,
    int Attempts,
    DateTimeOffset At,
    DateTimeOffset? NextAttemptAt = null,
    string? Error = null);
