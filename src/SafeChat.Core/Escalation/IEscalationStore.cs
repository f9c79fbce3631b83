namespace SafeChat.Escalation;

/// <summary>
/// Where the <see cref="EscalationDispatcher"/> keeps escalations between acceptance and delivery: one record per
/// idempotency key and one delivery state per handler. The dispatcher's handlers are fed from it, with retries.
/// </summary>
/// <remarks>
/// The idempotency key is the only de-duplication point: <see cref="AddAsync"/> stores a key once and every later add of
/// the same key changes nothing. A durable store (<see cref="IsDurable"/>, for example <c>SqliteOutbox</c> in
/// SafeChat.Webhooks) must have the escalation on disk before <see cref="AddAsync"/> returns, so that an escalation the
/// dispatcher accepted survives a crash. Implementations are thread-safe.
/// </remarks>
public interface IEscalationStore
{
    /// <summary>True when an added escalation survives the process (a crash or a restart).</summary>
    bool IsDurable { get; }

    /// <summary>
    /// Stores an escalation with one pending delivery per handler. Returns once it is stored (on disk for a durable
    /// store); may wait for room (back-pressure). False when its idempotency key is already stored: nothing changes.
    /// </summary>
    /// <param name="escalation">The escalation.</param>
    /// <param name="handlers">The names of the handlers that must each get it once.</param>
    /// <param name="cancellationToken">Cancels waiting for room.</param>
    ValueTask<bool> AddAsync(EscalationEvent escalation, IReadOnlyList<string> handlers, CancellationToken cancellationToken = default);

    /// <summary>The pending deliveries of one handler that are due at <paramref name="now"/>, oldest first.</summary>
    /// <param name="handler">The handler's name.</param>
    /// <param name="now">Now, from the dispatcher's clock.</param>
    /// <param name="limit">The most returned.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    ValueTask<IReadOnlyList<PendingEscalation>> GetDueAsync(string handler, DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>When the handler's next pending delivery is due; null when it has none.</summary>
    /// <param name="handler">The handler's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    ValueTask<DateTimeOffset?> GetNextDueAsync(string handler, CancellationToken cancellationToken = default);

    /// <summary>Records the outcome of one delivery attempt (delivered, retry later, or dead-lettered).</summary>
    /// <param name="handler">The handler's name.</param>
    /// <param name="result">The outcome.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    ValueTask RecordAsync(string handler, EscalationDeliveryResult result, CancellationToken cancellationToken = default);
}
