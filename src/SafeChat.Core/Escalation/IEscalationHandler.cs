namespace SafeChat.Escalation;

/// <summary>
/// An escalation hook. The <see cref="EscalationDispatcher"/> feeds each handler from its store, isolated from the
/// others: a handler that throws, hangs or fails is retried with backoff and never blocks the others. Throw an
/// <see cref="EscalationHandlerException"/> to ask for a later retry or to dead-letter at once.
/// </summary>
/// <remarks>
/// A handler gets each idempotency key once, except after a crash between its success and the store's update, when
/// the same key comes again: make handlers idempotent on <see cref="EscalationEvent.IdempotencyKey"/>.
/// </remarks>
public interface IEscalationHandler
{
    /// <summary>A short, unique name: it keys the handler's delivery state in the store and tags metrics.</summary>
    string Name { get; }

    /// <summary>Handles one escalation; returning normally marks it delivered for this handler.</summary>
    ValueTask HandleAsync(EscalationEvent escalation, CancellationToken cancellationToken = default);
}
