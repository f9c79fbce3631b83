namespace SafeChat.Server.Redis;

/// <summary>The inner exception of a <see cref="SafeChatStateUnavailableException"/> raised because the Redis circuit breaker is open.</summary>
internal sealed class RedisCircuitOpenException : Exception
{
    public RedisCircuitOpenException()
        : base("The SafeChat Redis circuit breaker is open.")
    {
    }
}
