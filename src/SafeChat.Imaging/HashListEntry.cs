namespace SafeChat.Imaging;

/// <summary>One line of a hash list: a hash of a known image, the list it belongs to and an optional label.</summary>
/// <param name="HashType">The hash type (<c>pdq</c>, <c>md5</c> or <c>sha256</c>; see <see cref="Conversations.ContentHashTypes"/>).</param>
/// <param name="Hash">The hash in lowercase hex.</param>
/// <param name="ListName">The list's name (who supplied it, for example <c>ncmec-2025-06</c>).</param>
/// <param name="Label">An optional label (for example a category code); null when absent.</param>
public sealed record HashListEntry(string HashType, string Hash, string ListName, string? Label = null);
