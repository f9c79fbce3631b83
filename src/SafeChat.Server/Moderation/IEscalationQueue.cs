namespace SafeChat.Server.Moderation;

/// <summary>
/// The moderation queue: every escalation the server raised, deduplicated on its idempotency key, with its review
/// state. Shared by every node when backed by Redis. Implementations must be thread-safe and make
/// <see cref="TryAddAsync"/> atomic across nodes: exactly one caller records a given key.
/// </summary>
public interface IEscalationQueue
{
    /// <summary>Records an escalation as <see cref="EscalationStatus.Open"/>; false when its key is already recorded (nothing changes).</summary>
    ValueTask<bool> TryAddAsync(Escalation.EscalationEvent escalation, CancellationToken cancellationToken = default);

    /// <summary>Lists escalations, most recently recorded first.</summary>
    /// <param name="status">Only this status, or all when null.</param>
    /// <param name="limit">The most records returned.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<IReadOnlyList<EscalationRecord>> ListAsync(EscalationStatus? status, int limit, CancellationToken cancellationToken = default);

    /// <summary>Returns one escalation, or null.</summary>
    ValueTask<EscalationRecord?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Records a reviewer's decision; allowed while the escalation is open or appealed.</summary>
    ValueTask<EscalationUpdateResult> ReviewAsync(string id, EscalationReview review, CancellationToken cancellationToken = default);

    /// <summary>Records an appeal; allowed only once, and only while the escalation is confirmed.</summary>
    ValueTask<EscalationUpdateResult> AppealAsync(string id, EscalationAppeal appeal, CancellationToken cancellationToken = default);
}
