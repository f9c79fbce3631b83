namespace SafeChat.Conversations;

/// <summary>One hash of a file: its type (see <see cref="ContentHashTypes"/>) and its value in lowercase hex.</summary>
/// <param name="Type">The hash type, for example <c>pdq</c>, <c>md5</c> or <c>sha256</c>.</param>
/// <param name="Value">The hash in lowercase hex.</param>
public sealed record ContentHash(string Type, string Value)
{
    /// <summary>The PDQ quality (0–100) when <see cref="Type"/> is <c>pdq</c>; null otherwise or when unknown.</summary>
    public int? Quality { get; init; }
}
