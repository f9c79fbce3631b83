namespace SafeChat.Inference.Text;

/// <summary>
/// Decodes the few HTML entities found in chat exports (PAN12 and similar): <c>&amp;amp; &amp;lt; &amp;gt; &amp;quot;
/// &amp;apos; &amp;nbsp;</c> and numeric references to printable ASCII. Decoding is done in one left-to-right pass that
/// re-checks the output tail after every <c>;</c>, so double-encoded text (<c>&amp;amp;lt;</c>) decodes fully and the
/// result contains no decodable entity (which keeps normalization idempotent).
/// </summary>
internal static class HtmlEntities
{
    private const int MaxEntityLength = 10; // "&#x0000A0;" is the longest form we accept.

    /// <summary>Decodes entities in place and returns the new length.</summary>
    public static int DecodeInPlace(Span<char> buffer)
    {
        int write = 0;
        for (int read = 0; read < buffer.Length; read++)
        {
            char c = buffer[read];
            buffer[write++] = c;
            if (c == ';')
            {
                write = CollapseTail(buffer, write);
            }
        }

        return write;
    }

    private static int CollapseTail(Span<char> buffer, int end)
    {
        while (end >= 3 && buffer[end - 1] == ';')
        {
            int amp = -1;
            int lowest = Math.Max(0, end - MaxEntityLength);
            for (int i = end - 2; i >= lowest; i--)
            {
                char c = buffer[i];
                if (c == '&')
                {
                    amp = i;
                    break;
                }

                if (!char.IsAsciiLetterOrDigit(c) && c != '#')
                {
                    break;
                }
            }

            if (amp < 0 || !TryDecode(buffer[(amp + 1)..(end - 1)], out char decoded))
            {
                return end;
            }

            buffer[amp] = decoded;
            end = amp + 1;
        }

        return end;
    }

    private static bool TryDecode(ReadOnlySpan<char> name, out char decoded)
    {
        decoded = '\0';
        if (name.Length == 0)
        {
            return false;
        }

        if (name[0] == '#')
        {
            return TryDecodeNumeric(name[1..], out decoded);
        }

        if (name.Equals("amp", StringComparison.OrdinalIgnoreCase)) { decoded = '&'; }
        else if (name.Equals("lt", StringComparison.OrdinalIgnoreCase)) { decoded = '<'; }
        else if (name.Equals("gt", StringComparison.OrdinalIgnoreCase)) { decoded = '>'; }
        else if (name.Equals("quot", StringComparison.OrdinalIgnoreCase)) { decoded = '"'; }
        else if (name.Equals("apos", StringComparison.OrdinalIgnoreCase)) { decoded = '\''; }
        else if (name.Equals("nbsp", StringComparison.OrdinalIgnoreCase)) { decoded = ' '; }
        else { return false; }

        return true;
    }

    private static bool TryDecodeNumeric(ReadOnlySpan<char> digits, out char decoded)
    {
        decoded = '\0';
        bool hex = digits.Length > 0 && (digits[0] == 'x' || digits[0] == 'X');
        if (hex)
        {
            digits = digits[1..];
        }

        if (digits.Length is 0 or > 6)
        {
            return false;
        }

        int value = 0;
        foreach (char c in digits)
        {
            int digit = hex ? HexValue(c) : (char.IsAsciiDigit(c) ? c - '0' : -1);
            if (digit < 0)
            {
                return false;
            }

            value = (value * (hex ? 16 : 10)) + digit;
        }

        // Only printable ASCII and whitespace: anything else stays literal so the decoded text never needs Unicode
        // normalization again.
        if (value is 9 or 10 or 13 or 160)
        {
            decoded = ' ';
            return true;
        }

        if (value is >= 32 and <= 126)
        {
            decoded = (char)value;
            return true;
        }

        return false;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
