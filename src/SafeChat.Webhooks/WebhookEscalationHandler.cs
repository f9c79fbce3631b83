using SafeChat.Escalation;

namespace SafeChat.Webhooks;

/// <summary>
/// The webhook escalation hook: it only writes the escalation to the durable <see cref="SqliteOutbox"/> (fast, local,
/// idempotent) and a <see cref="WebhookDeliveryWorker"/> on the same outbox sends it. Register it on the
/// <see cref="EscalationDispatcher"/>.
/// </summary>
public sealed class WebhookEscalationHandler : IEscalationHandler
{
    private readonly SqliteOutbox _outbox;

    /// <summary>Creates the handler over an outbox.</summary>
    public WebhookEscalationHandler(SqliteOutbox outbox) => _outbox = outbox ?? throw new ArgumentNullException(nameof(outbox));

    /// <inheritdoc />
    public string Name => "webhook";

    /// <inheritdoc />
    public async ValueTask HandleAsync(EscalationEvent escalation, CancellationToken cancellationToken = default) =>
        await _outbox.EnqueueAsync(escalation, cancellationToken).ConfigureAwait(false);
}
