namespace SafeChat.Escalation;

/// <summary>Settings of an <see cref="EscalationDispatcher"/>. Validated when the dispatcher is built.</summary>
public sealed class EscalationDispatcherOptions
{
    /// <summary>How long one handler may take for one escalation before the attempt is abandoned and retried. Default 10 s.</summary>
    public TimeSpan HandlerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long <see cref="EscalationDispatcher.DisposeAsync"/> lets the handlers work through what is due before it
    /// stops them. Anything not delivered by then stays in the store (and is resumed by the next dispatcher on a durable
    /// store). Default 30 s.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per escalation and handler before it is dead-lettered. Default 20: with the default backoff the last attempt comes up to about 11.4 hours after the first (jitter can shorten each wait by half).</summary>
    public int MaxAttempts { get; set; } = 20;

    /// <summary>The delay after the first failed attempt; it doubles per attempt. Default 10 s.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest delay between attempts. Default 1 hour.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How much of each delay is random, in [0, 1]: a delay <c>d</c> becomes a value in <c>(d·(1−JitterRatio), d]</c>,
    /// so many senders retrying after an outage do not arrive together. Default 0.5.
    /// </summary>
    public double JitterRatio { get; set; } = 0.5;

    /// <summary>How often a handler's loop looks at the store when nothing wakes it. Default 30 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Pending deliveries read from the store per query. Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (HandlerTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(HandlerTimeout), HandlerTimeout, "EscalationDispatcherOptions.HandlerTimeout must be positive.");
        }

        if (DrainTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(DrainTimeout), DrainTimeout, "EscalationDispatcherOptions.DrainTimeout must not be negative.");
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "EscalationDispatcherOptions.MaxAttempts must be at least 1.");
        }

        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialBackoff), InitialBackoff, "EscalationDispatcherOptions.InitialBackoff must be positive and not above MaxBackoff.");
        }

        if (double.IsNaN(JitterRatio) || JitterRatio < 0 || JitterRatio > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(JitterRatio), JitterRatio, "EscalationDispatcherOptions.JitterRatio must be within [0, 1].");
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "EscalationDispatcherOptions.PollInterval must be positive.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "EscalationDispatcherOptions.BatchSize must be at least 1.");
        }
    }

    /// <summary>
    /// The delay before attempt <paramref name="failedAttempts"/> + 1: <c>min(MaxBackoff, InitialBackoff·2^(failedAttempts−1))</c>
    /// scaled by <c>1 − JitterRatio·<paramref name="random"/></c>.
    /// </summary>
    /// <param name="failedAttempts">Attempts made so far (1 or more).</param>
    /// <param name="random">A uniform value in [0, 1).</param>
    public TimeSpan BackoffFor(int failedAttempts, double random)
    {
        var exponent = Math.Min(Math.Max(failedAttempts - 1, 0), 30);
        var ticks = Math.Min((double)MaxBackoff.Ticks, InitialBackoff.Ticks * Math.Pow(2, exponent));
        return TimeSpan.FromTicks((long)(ticks * (1 - (JitterRatio * random))));
    }
}
