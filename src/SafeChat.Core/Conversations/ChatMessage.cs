namespace SafeChat.Conversations;

/// <summary>One chat message as the host hands it to SafeChat.</summary>
/// <param name="Id">The host's message id.</param>
/// <param name="RoomId">The room the message was sent in.</param>
/// <param name="SenderId">The sender's user id.</param>
/// <param name="Text">The message text (may be empty).</param>
/// <param name="Timestamp">When the message was sent.</param>
public sealed record ChatMessage(string Id, string RoomId, string SenderId, string Text, DateTimeOffset Timestamp)
{
    /// <summary>True when the message carries an image or video attachment.</summary>
    public bool HasImage { get; init; }

    /// <summary>
    /// Image attachments (bytes or device-computed hashes) to match against known-image hash lists; null or empty for a
    /// text-only message. The engine never stores them.
    /// </summary>
    public IReadOnlyList<ImageAttachment>? Attachments { get; init; }
}
