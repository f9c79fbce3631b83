namespace SafeChat.Conversations;

/// <summary>The hash types SafeChat understands (the names used in hash lists and indicator files).</summary>
public static class ContentHashTypes
{
    /// <summary>PDQ, Meta's 256-bit perceptual image hash (64 hex digits), matched by Hamming distance.</summary>
    public const string Pdq = "pdq";

    /// <summary>MD5 of the file's bytes (32 hex digits), matched exactly.</summary>
    public const string Md5 = "md5";

    /// <summary>SHA-256 of the file's bytes (64 hex digits), matched exactly.</summary>
    public const string Sha256 = "sha256";

    /// <summary>The known types.</summary>
    public static IReadOnlyList<string> All { get; } = [Pdq, Md5, Sha256];

    /// <summary>The hex length of a hash type's value, or 0 for an unknown type.</summary>
    public static int HexLength(string type) => type switch
    {
        Pdq => 64,
        Md5 => 32,
        Sha256 => 64,
        _ => 0,
    };
}
