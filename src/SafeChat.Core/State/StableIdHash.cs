namespace SafeChat.State;

/// <summary>
/// FNV-1a over an id's UTF-16 code units (low byte, then high byte): stable across processes and platforms, unlike
/// <see cref="string.GetHashCode()"/>. Used for message ids (duplicate history), user ids (contact sets) and, with a
/// per-store salt, the author hashes of dormant conversations.
/// </summary>
internal static class StableIdHash
{
    /// <summary>The 64-bit hash of <paramref name="id"/>, its offset basis XORed with <paramref name="salt"/>.</summary>
    public static long Of(string id, long salt = 0)
    {
        var hash = 14695981039346656037UL ^ unchecked((ulong)salt);
        foreach (var c in id)
        {
            hash = (hash ^ (c & 0xFFu)) * 1099511628211UL;
            hash = (hash ^ (uint)(c >> 8)) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }
}
