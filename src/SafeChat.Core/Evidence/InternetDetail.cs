namespace SafeChat.Evidence;

/// <summary>One "Internet Details" entry.</summary>
public sealed record InternetDetail
{
    /// <summary>The category.</summary>
    public InternetDetailType Type { get; init; }

    /// <summary>The host's service or game name, when configured.</summary>
    public string? ServiceName { get; init; }

    /// <summary>The conversation (room) id on the host platform.</summary>
    public string ConversationId { get; init; } = string.Empty;
}
