namespace SafeChat.Escalation;

/// <summary>Settings of an <see cref="EscalationDispatcher"/>. Validated when the dispatcher is built.</summary>
public sealed class EscalationDispatcherOptions
{
    /// <summary>
    /// How many escalations may wait in the dispatcher's queue. <see cref="EscalationDispatcher.DispatchAsync"/> waits
    /// for room when it is full; <see cref="EscalationDispatcher.TryDispatch"/> drops and counts the drop. Default 1024.
    /// </summary>
    public int Capacity { get; set; } = 1024;

    /// <summary>
    /// How many escalations may wait for one handler. When a slow handler's own queue is full, that handler misses the
    /// escalation (counted as a handler failure with reason <c>queue_full</c>); the other handlers still get it. Default 1024.
    /// </summary>
    public int HandlerQueueCapacity { get; set; } = 1024;

    /// <summary>How long one handler may take for one escalation before it is abandoned and counted as a timeout. Default 10 s.</summary>
    public TimeSpan HandlerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <see cref="EscalationDispatcher.DisposeAsync"/> waits for queued escalations to be handled. Default 30 s.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "EscalationDispatcherOptions.Capacity must be at least 1.");
        }

        if (HandlerQueueCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(HandlerQueueCapacity), HandlerQueueCapacity, "EscalationDispatcherOptions.HandlerQueueCapacity must be at least 1.");
        }

        if (HandlerTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(HandlerTimeout), HandlerTimeout, "EscalationDispatcherOptions.HandlerTimeout must be positive.");
        }

        if (DrainTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(DrainTimeout), DrainTimeout, "EscalationDispatcherOptions.DrainTimeout must not be negative.");
        }
    }
}
