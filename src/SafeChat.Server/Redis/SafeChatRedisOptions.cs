namespace SafeChat.Server.Redis;

/// <summary>Settings of the Redis backend. Validated when the host starts.</summary>
public sealed class SafeChatRedisOptions
{
    /// <summary>
    /// The StackExchange.Redis configuration string (for example <c>127.0.0.1:6379</c>). Not needed when an
    /// <c>IConnectionMultiplexer</c> is registered in DI: that one is reused (one multiplexer per process).
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every key SafeChat writes. Default <c>safechat:</c>.</summary>
    public string KeyPrefix { get; set; } = "safechat:";

    /// <summary>
    /// How long one Redis operation may take before the server treats the backend as unavailable and applies
    /// <see cref="SafeChatServerOptions.FailureMode"/>. Default 2 s; 10 ms to 60 s. Applies to a multiplexer SafeChat creates.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait for a connection. Default 2 s; 10 ms to 60 s. Applies to a multiplexer SafeChat creates.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many consecutive failed Redis operations (timeouts, lost connections) open the circuit breaker. While it is open
    /// every operation fails at once, without waiting for <see cref="OperationTimeout"/>, and the server applies
    /// <see cref="SafeChatServerOptions.FailureMode"/>. Default 3; 1 to 1,000.
    /// </summary>
    public int BreakerFailureThreshold { get; set; } = 3;

    /// <summary>
    /// How long the circuit breaker stays open before it lets one probe operation through (success closes it, failure
    /// opens it again). Default 5 s; 100 ms to 10 min.
    /// </summary>
    public TimeSpan BreakerDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an escalation stays in the moderation queue. Default 365 days (evidence preservation).</summary>
    public TimeSpan EscalationRetention { get; set; } = TimeSpan.FromDays(365);

    /// <summary>How long an untouched fire-once latch is kept after its cooldown. Default 7 days.</summary>
    public TimeSpan PolicyStateIdleExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a freeze lasts when no reviewer lifts it. Default 30 days.</summary>
    public TimeSpan FreezeRetention { get; set; } = TimeSpan.FromDays(30);
}
