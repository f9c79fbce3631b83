namespace SafeChat.Evidence;

/// <summary>The conversation export.</summary>
public sealed record ThreadExport
{
    /// <summary>The conversation (room) id.</summary>
    public string ConversationId { get; init; } = string.Empty;

    /// <summary>The messages, in the order the host supplied them.</summary>
    public IReadOnlyList<EvidenceMessage> Messages { get; init; } = [];
}
