namespace SafeChat.Server;

/// <summary>What the server does with a message or join when its state backend (for example Redis) cannot be reached.</summary>
public enum StateFailureMode
{
    /// <summary>
    /// Keep chat flowing: the stateful parts (scoring window, counters, nudges, escalations, freezes) are skipped, but the
    /// policy's stateless rules (ages, rooms, connections, links and images) still block, hold or deny the join. The default.
    /// </summary>
    FailOpen = 0,

    /// <summary>Refuse the message or join with a "safety check unavailable" notice until the backend is back.</summary>
    FailClosed = 1,
}
