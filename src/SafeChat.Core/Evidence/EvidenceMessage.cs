namespace SafeChat.Evidence;

/// <summary>One message of the thread export.</summary>
public sealed record EvidenceMessage
{
    /// <summary>The host's message id.</summary>
    public string MessageId { get; init; } = string.Empty;

    /// <summary>The author's role in the report.</summary>
    public AuthorRole AuthorRole { get; init; }

    /// <summary>The author's platform id.</summary>
    public string AuthorId { get; init; } = string.Empty;

    /// <summary>When the message was sent.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The message text.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>True when the message carried an image or video (the media itself is the host's to attach).</summary>
    public bool HasImage { get; init; }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <see cref="Text"/>.</summary>
    public string TextSha256 { get; init; } = string.Empty;
}
