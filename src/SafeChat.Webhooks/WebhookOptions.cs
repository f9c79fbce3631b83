namespace SafeChat.Webhooks;

/// <summary>Settings of a <see cref="WebhookDeliveryWorker"/>. Validated when the worker is built.</summary>
public sealed class WebhookOptions
{
    /// <summary>The receiver's URL (http or https). Required.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The shared HMAC-SHA256 secret (UTF-8), at least 16 characters. Required. Never logged.</summary>
    public string Secret { get; set; } = string.Empty;

    /// <summary>Attempts per escalation before it is dead-lettered. Default 20: with the default backoff the last attempt comes up to about 11.4 hours after the first (jitter can shorten each wait by half).</summary>
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

    /// <summary>How long one HTTP attempt may take, headers included. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the worker looks at the outbox when nothing wakes it. Default 30 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Rows read from the outbox per query. Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Endpoint is null || !Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("WebhookOptions.Endpoint must be an absolute http or https URL.", nameof(Endpoint));
        }

        if (string.IsNullOrEmpty(Secret) || Secret.Length < 16)
        {
            throw new ArgumentException("WebhookOptions.Secret must be at least 16 characters.", nameof(Secret));
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "WebhookOptions.MaxAttempts must be at least 1.");
        }

        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialBackoff), InitialBackoff, "WebhookOptions.InitialBackoff must be positive and not above MaxBackoff.");
        }

        if (double.IsNaN(JitterRatio) || JitterRatio < 0 || JitterRatio > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(JitterRatio), JitterRatio, "WebhookOptions.JitterRatio must be within [0, 1].");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "WebhookOptions.RequestTimeout must be positive.");
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "WebhookOptions.PollInterval must be positive.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "WebhookOptions.BatchSize must be at least 1.");
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
