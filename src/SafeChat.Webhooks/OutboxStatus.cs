namespace SafeChat.Webhooks;

/// <summary>Where one handler's delivery of an outbox escalation is in its life.</summary>
public enum OutboxStatus
{
    /// <summary>Waiting to be delivered (new or scheduled for a retry).</summary>
    Pending = 0,

    /// <summary>The handler completed (for the webhook: the receiver answered 2xx).</summary>
    Delivered = 1,

    /// <summary>Given up: a permanent failure (for the webhook: a 4xx) or too many attempts. Kept for <see cref="Retention.RetentionOptions.EscalationRecords"/>; see <see cref="SqliteOutbox.RequeueAsync"/>.</summary>
    DeadLettered = 2,
}
