namespace SafeChat.Server.Redis;

/// <summary>The state of <see cref="RedisCircuitBreaker"/>.</summary>
internal enum CircuitState
{
    /// <summary>Calls go to Redis.</summary>
    Closed = 0,

    /// <summary>Calls fail at once without reaching Redis, until the break duration has passed.</summary>
    Open = 1,

    /// <summary>One probe call goes to Redis; the others fail at once. Its result closes or re-opens the circuit.</summary>
    HalfOpen = 2,
}
