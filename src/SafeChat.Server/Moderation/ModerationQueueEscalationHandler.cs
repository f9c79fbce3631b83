using SafeChat.Escalation;
using SafeChat.Server.Diagnostics;

namespace SafeChat.Server.Moderation;

/// <summary>
/// The moderation queue as one <see cref="IEscalationHandler"/> among others: it records each escalation in the
/// <see cref="IEscalationQueue"/> for human review. Recording is idempotent on the key, so a retry after a failure
/// (for example Redis down, which the dispatcher retries with backoff) or a second node raising the same key records
/// it once.
/// </summary>
internal sealed class ModerationQueueEscalationHandler(IEscalationQueue queue, SafeChatServerMetrics metrics) : IEscalationHandler
{
    /// <summary>The handler's name.</summary>
    public const string HandlerName = "moderation-queue";

    public string Name => HandlerName;

    public async ValueTask HandleAsync(EscalationEvent escalation, CancellationToken cancellationToken = default)
    {
        if (await queue.TryAddAsync(escalation, cancellationToken).ConfigureAwait(false))
        {
            metrics.EscalationRecorded(escalation.RuleId, escalation.Severity.ToString().ToLowerInvariant());
        }
    }
}
