namespace SafeChat.Conversations;

/// <summary>
/// An image attached to a <see cref="ChatMessage"/>: its bytes (the server hashes them), or only its hashes (computed on
/// the device, so the image never leaves it), or both. SafeChat never stores the bytes: they are hashed, matched and
/// dropped with the message.
/// </summary>
public sealed record ImageAttachment
{
    /// <summary>The host's attachment id, if any (copied into matches; never required).</summary>
    public string? Id { get; init; }

    /// <summary>The image file's bytes; empty when only <see cref="Hashes"/> are given.</summary>
    public ReadOnlyMemory<byte> Content { get; init; }

    /// <summary>Hashes already computed (for example on the device); the matcher computes the missing ones from <see cref="Content"/>.</summary>
    public IReadOnlyList<ContentHash> Hashes { get; init; } = [];

    /// <summary>An attachment from the file's bytes.</summary>
    public static ImageAttachment FromBytes(ReadOnlyMemory<byte> content) => new() { Content = content };

    /// <summary>An attachment from hashes computed elsewhere (the bytes stay on the device).</summary>
    public static ImageAttachment FromHashes(IReadOnlyList<ContentHash> hashes) => new() { Hashes = hashes ?? throw new ArgumentNullException(nameof(hashes)) };
}
