namespace SafeChat.Server.Moderation;

/// <summary>What happened to a chat message.</summary>
public enum MessageOutcome
{
    /// <summary>Scored and delivered.</summary>
    Delivered = 0,
    /// <summary>Not delivered: a rule blocked it.</summary>
    Blocked = 1,
    /// <summary>Not delivered now: held for review.</summary>
    Held = 2,
    /// <summary>Not delivered: the conversation is frozen (by this message or an earlier one) until a reviewer lifts it.</summary>
    Frozen = 3,
    /// <summary>
    /// Delivered unscored because the state backend was unavailable (<see cref="StateFailureMode.FailOpen"/>). The policy's
    /// stateless rules (ages, rooms, connections, links and images) were still applied and did not block or hold it.
    /// </summary>
    DeliveredUnscored = 4,
    /// <summary>Not delivered because the state backend was unavailable (<see cref="StateFailureMode.FailClosed"/>).</summary>
    Unavailable = 5,
}
