using SafeChat.Conversations;

namespace SafeChat.Matching;

/// <summary>
/// One attachment found on a host-supplied hash list: which list, which hash type, how close. It carries the file's
/// hashes (for a report) and never the image.
/// </summary>
/// <param name="AttachmentIndex">The 0-based index of the attachment in the message.</param>
/// <param name="ListName">The name of the list that matched (for example the hash set a hotline supplied).</param>
/// <param name="HashType">The hash type that matched (<see cref="ContentHashTypes"/>).</param>
/// <param name="ListHash">The hash on the list that matched.</param>
/// <param name="Distance">The Hamming distance for PDQ; 0 for an exact hash.</param>
public sealed record ImageMatch(int AttachmentIndex, string ListName, string HashType, string ListHash, int Distance)
{
    /// <summary>The list entry's label, if it has one (for example a category code).</summary>
    public string? Label { get; init; }

    /// <summary>The host's attachment id, if it gave one.</summary>
    public string? AttachmentId { get; init; }

    /// <summary>The file's own hashes (PDQ with its quality, MD5, SHA-256, as far as known).</summary>
    public IReadOnlyList<ContentHash> FileHashes { get; init; } = [];
}
