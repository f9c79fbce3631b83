using SafeChat.Conversations;

namespace SafeChat.Imaging;

/// <summary>The hashes of one image file: PDQ (perceptual) with its quality, and the exact MD5 and SHA-256 of the bytes.</summary>
public sealed record ImageHashes
{
    /// <summary>The PDQ hash.</summary>
    public required PdqHash Pdq { get; init; }

    /// <summary>The PDQ quality, 0–100.</summary>
    public required int Quality { get; init; }

    /// <summary>The MD5 of the file's bytes, 32 lowercase hex digits.</summary>
    public required string Md5 { get; init; }

    /// <summary>The SHA-256 of the file's bytes, 64 lowercase hex digits.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The image width in pixels.</summary>
    public int Width { get; init; }

    /// <summary>The image height in pixels.</summary>
    public int Height { get; init; }

    /// <summary>The hashes as the engine's <see cref="ContentHash"/> list (PDQ with its quality, then MD5, then SHA-256).</summary>
    public IReadOnlyList<ContentHash> ToContentHashes() =>
    [
        new ContentHash(ContentHashTypes.Pdq, Pdq.ToString()) { Quality = Quality },
        new ContentHash(ContentHashTypes.Md5, Md5),
        new ContentHash(ContentHashTypes.Sha256, Sha256),
    ];
}
