namespace SafeChat.Policies;

/// <summary>Counters the engine keeps per user across conversations.</summary>
public sealed record UserCounters
{
    /// <summary>Distinct minors this user has sent messages to in the last 24 hours.</summary>
    public int DistinctMinorsContacted24h { get; init; }

    /// <summary>Distinct conversations this user has sent messages in during the last 24 hours.</summary>
    public int DistinctConversations24h { get; init; }

    /// <summary>Messages this user sent in the last hour.</summary>
    public int MessagesLastHour { get; init; }

    /// <summary>Looks a counter up by its policy-file name (for example <c>distinct_minors_24h</c>); null when unknown.</summary>
    public int? Get(string name) => name switch
    {
        "distinct_minors_24h" => DistinctMinorsContacted24h,
        "distinct_conversations_24h" => DistinctConversations24h,
        "messages_1h" => MessagesLastHour,
        _ => null,
    };

    /// <summary>The counter names a policy may use.</summary>
    public static IReadOnlyList<string> Names { get; } = ["distinct_minors_24h", "distinct_conversations_24h", "messages_1h"];
}
