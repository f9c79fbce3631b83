namespace SafeChat.Inference.Text;

/// <summary>
/// Leetspeak decoding for single lowercase tokens. A token is decoded all-or-nothing, only when it is clearly a word
/// written with a few digits or symbols: <c>s3nd</c>, <c>p1c</c>, <c>n00dz</c>, <c>h4x0r</c>, <c>b@by</c>, <c>l8r</c>,
/// <c>s0</c>. Numbers, prices, ages, times, ids, hex strings and lobby codes are left alone.
/// </summary>
internal static class Leetspeak
{
    /// <summary>Upper bound of the decoded length for a token of <paramref name="length"/> chars (8 may become "ate").</summary>
    public static int MaxDecodedLength(int length) => length * 3;

    /// <summary>
    /// Decodes <paramref name="token"/> into <paramref name="destination"/> when every rule holds:
    /// <list type="bullet">
    /// <item>only ASCII letters and the leet characters <c>0 1 3 4 5 7 8 @ $</c> (any other digit means "not leet");</item>
    /// <item>more letters than leet characters and at least two letters (or exactly a letter then 0/8: <c>s0</c>, <c>m8</c>);</item>
    /// <item>not <see cref="LooksLikeIdentifier"/>;</item>
    /// <item>every leet run sits between letters (at most two digits, or any run of zeros), except a leading <c>$</c>
    /// (<c>$exy</c>), a leading <c>@</c> before a doubled letter (<c>@dd</c>), a trailing run of <c>0</c> or <c>$</c>,
    /// a trailing <c>8</c> (<c>gr8</c>) and a trailing <c>5</c> when another run was between letters (<c>n00d5</c>);
    /// leading digits are never decoded (<c>1st</c>, <c>4ever</c>, <c>3some</c>, <c>5min</c>);</item>
    /// <item>the decoded word has a vowel and no run of more than three consonants.</item>
    /// </list>
    /// Mapping: 0→o 1→i 3→e 4→a 5→s 7→t @→a $→s, 8→"ate" after a letter at the end or before r (l8r, gr8, m8),
    /// otherwise 8→b.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> token, Span<char> destination, out int written)
    {
        written = 0;
        int letters = 0, leet = 0;
        foreach (char c in token)
        {
            if (char.IsAsciiLetterLower(c))
            {
                letters++;
            }
            else if (IsLeet(c))
            {
                leet++;
            }
            else
            {
                return false;
            }
        }

        if (leet == 0)
        {
            return false;
        }

        bool shortWord = token.Length == 2 && char.IsAsciiLetterLower(token[0]) && token[1] is '0' or '8';
        if (!shortWord && (letters < 2 || letters <= leet || LooksLikeIdentifier(token)))
        {
            return false;
        }

        bool anyBetweenLetters = false, trailingFive = false;
        int i = 0;
        while (i < token.Length)
        {
            if (!IsLeet(token[i]))
            {
                i++;
                continue;
            }

            int start = i;
            while (i < token.Length && IsLeet(token[i]))
            {
                i++;
            }

            ReadOnlySpan<char> run = token[start..i];
            if (start == 0)
            {
                bool dollarWord = run is "$";
                bool atDoubled = run is "@" && token.Length >= 3 && token[1] == token[2];
                if (!dollarWord && !atDoubled)
                {
                    return false;
                }
            }
            else if (i == token.Length)
            {
                if (run is "5")
                {
                    trailingFive = true;
                }
                else if (!IsAll(run, '0') && !IsAll(run, '$') && run is not "8")
                {
                    return false;
                }
            }
            else
            {
                if (run.Length > 2 && !IsAll(run, '0'))
                {
                    return false;
                }

                anyBetweenLetters = true;
            }
        }

        if (trailingFive && !anyBetweenLetters)
        {
            return false;
        }

        for (int k = 0; k < token.Length; k++)
        {
            char c = token[k];
            if (c == '8' && k > 0 && char.IsAsciiLetterLower(token[k - 1]) && (k == token.Length - 1 || token[k + 1] == 'r'))
            {
                "ate".CopyTo(destination[written..]);
                written += 3;
                continue;
            }

            destination[written++] = c switch
            {
                '0' => 'o',
                '1' => 'i',
                '3' => 'e',
                '4' => 'a',
                '5' => 's',
                '7' => 't',
                '8' => 'b',
                '@' => 'a',
                '$' => 's',
                _ => c,
            };
        }

        if (!IsPlausibleWord(destination[..written]))
        {
            written = 0;
            return false;
        }

        return true;
    }

    /// <summary>See <see cref="TextNormalizer.LooksLikeIdentifier"/>.</summary>
    public static bool LooksLikeIdentifier(ReadOnlySpan<char> token)
    {
        if (token.Length < 3)
        {
            return false;
        }

        int letters = 0, digits = 0, digitRuns = 0;
        bool allHex = true, connector = false, previousWasDigit = false;
        foreach (char c in token)
        {
            bool digit = char.IsDigit(c);
            if (digit)
            {
                digits++;
                if (!previousWasDigit)
                {
                    digitRuns++;
                }
            }
            else if (char.IsLetter(c))
            {
                letters++;
            }
            else if (c is '_' or '-' or '.' or ':' or '/' or '#')
            {
                connector = true;
            }

            previousWasDigit = digit;
            if (!char.IsAsciiHexDigit(c))
            {
                allHex = false;
            }
        }

        if (letters == 0 || digits == 0)
        {
            return false;
        }

        return connector
            || (allHex && token.Length >= 6)
            || digitRuns >= 3
            || (char.IsDigit(token[0]) && digitRuns >= 2)
            || digits >= letters
            || token.Length >= 16;
    }

    private static bool IsLeet(char c) => c is '0' or '1' or '3' or '4' or '5' or '7' or '8' or '@' or '$';

    private static bool IsAll(ReadOnlySpan<char> run, char c) => !run.ContainsAnyExcept(c);

    private static bool IsPlausibleWord(ReadOnlySpan<char> word)
    {
        bool vowel = false;
        int consonants = 0;
        foreach (char c in word)
        {
            if (c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y')
            {
                vowel = true;
                consonants = 0;
            }
            else if (++consonants > 3)
            {
                return false;
            }
        }

        return vowel;
    }
}
