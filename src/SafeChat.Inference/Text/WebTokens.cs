namespace SafeChat.Inference.Text;

/// <summary>Recognizes URLs and e-mail addresses in a whitespace-free chunk, without regular expressions.</summary>
internal static class WebTokens
{
    // Top-level domains common in chat. "me" and "co" double as words, so they need a path (t.me/name).
    private static readonly string[] TopLevelDomains =
    [
        "com", "net", "org", "io", "gg", "ly", "tv", "app", "xyz", "uk", "de", "ru", "info", "biz", "ca", "au", "link",
        "cc", "fm", "live", "site", "online", "chat", "fun", "club", "vip", "dev", "me", "co",
    ];

    /// <summary>Whether the chunk is a URL: a scheme or <c>www.</c> prefix, or a host ending in a known TLD.</summary>
    public static bool IsUrl(ReadOnlySpan<char> chunk)
    {
        if (StartsWith(chunk, "http://") || StartsWith(chunk, "https://"))
        {
            return chunk.Length > 8;
        }

        if (StartsWith(chunk, "www.") && chunk.Length > 5)
        {
            return true;
        }

        int hostEnd = chunk.IndexOfAny("/?#:");
        ReadOnlySpan<char> host = hostEnd < 0 ? chunk : chunk[..hostEnd];
        bool hasPath = hostEnd >= 0 && hostEnd < chunk.Length - 1;
        return IsHost(host, hasPath);
    }

    /// <summary>Whether the chunk is an e-mail address: a plain local part, one <c>@</c>, and a host.</summary>
    public static bool IsEmail(ReadOnlySpan<char> chunk)
    {
        int at = chunk.IndexOf('@');
        if (at <= 0 || at != chunk.LastIndexOf('@'))
        {
            return false;
        }

        foreach (char c in chunk[..at])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '%' or '+' or '-'))
            {
                return false;
            }
        }

        return IsHost(chunk[(at + 1)..], hasPath: true);
    }

    private static bool IsHost(ReadOnlySpan<char> host, bool hasPath)
    {
        if (host.Length < 4)
        {
            return false;
        }

        int lastDot = host.LastIndexOf('.');
        if (lastDot <= 0 || lastDot == host.Length - 1)
        {
            return false;
        }

        bool labelStart = true;
        foreach (char c in host[..lastDot])
        {
            if (c == '.')
            {
                if (labelStart)
                {
                    return false;
                }

                labelStart = true;
            }
            else if (char.IsAsciiLetterOrDigit(c) || (c == '-' && !labelStart))
            {
                labelStart = false;
            }
            else
            {
                return false;
            }
        }

        ReadOnlySpan<char> tld = host[(lastDot + 1)..];
        foreach (string known in TopLevelDomains)
        {
            if (tld.Equals(known, StringComparison.OrdinalIgnoreCase))
            {
                return hasPath || known is not ("me" or "co");
            }
        }

        return false;
    }

    private static bool StartsWith(ReadOnlySpan<char> text, string prefix) =>
        text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
}
