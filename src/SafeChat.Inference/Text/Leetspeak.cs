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
    /// a trailing <c>8</c> (<c>gr8</c>) and a trailing <c>5</c> or <c>3</c> when another run was between letters (<c>n00d5</c>,
    /// <c>m4nd4m3</c>);
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

        // Words whose leet starts the token or outnumbers the letters ("4dd", "m3", "0n", "73ll", "m33t") are decoded
        // only when the decoded word is a known chat word, so ages, times, ids and units ("4pm", "13f", "1st", "5min",
        // "a1b2") never become words.
        if (letters >= 1 && (!char.IsAsciiLetterLower(token[0]) || letters <= leet) && !(token.Length == 2 && token[1] is '0' or '8' && char.IsAsciiLetterLower(token[0])))
        {
            return TryDecodeKnownWord(token, destination, out written);
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
                if (run is "5" or "3")
                {
                    trailingFive = true; // n00d5, m4nd4m3: only after a decoded run between letters
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

            destination[written++] = LetterFor(c);
        }

        if (!IsPlausibleWord(destination[..written]))
        {
            written = 0;
            return false;
        }

        return true;
    }

    /// <summary>
    /// Short chat words that are written with a leading digit or more digits than letters. A token in those shapes is
    /// decoded only into one of these; anything else (ages "13f", times "4pm", units "5min", ordinals "1st", ids) stays.
    /// Left out on purpose: "am" ("4m" = 4 minutes/metres), "is" ("1s" = one second), "as" ("4s"), "ad" ("4d").
    /// </summary>
    private static readonly HashSet<string> KnownWords = new(StringComparer.Ordinal)
    {
        "add", "on", "me", "at", "an", "it", "in", "if", "of", "or", "so", "to", "no", "go", "be", "he", "we", "ok", "oh",
        "are", "and", "the", "ass", "sex", "see", "send", "snap", "show", "meet", "tell", "age", "old", "all", "off", "out",
        "one", "pic", "pics", "nude", "nudes", "tits", "boobs", "bra", "cam", "hot", "sexy", "dick", "cock", "hoe", "babe",
        "baby", "text", "call", "home", "alone", "secret", "money", "pay", "free", "love", "kiss", "bed", "body", "naked",
        "snapchat", "insta", "discord", "whatsapp", "telegram", "kik", "skype", "number", "delete", "leak", "post", "share",
        "nood", "noods", "noodz", "nudez", "nudz", "boob", "sext", "porn", "horny", "wet",
        "foto", "fotos", "sexo", "desnuda", "desnudo", "nackt", "naakt", "geil", "geheim", "secreto", "dinero", "geld",
    };

    // The letter a digit or symbol stands for in leetspeak (itself when it stands for none).
    private static char LetterFor(char c) => c switch
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

    private static bool TryDecodeKnownWord(ReadOnlySpan<char> token, Span<char> destination, out int written)
    {
        written = 0;
        if (token.Length > 12)
        {
            return false;
        }

        Span<char> decoded = stackalloc char[token.Length];
        for (int k = 0; k < token.Length; k++)
        {
            decoded[k] = LetterFor(token[k]);
        }

#if NET
        if (!KnownWords.GetAlternateLookup<ReadOnlySpan<char>>().Contains(decoded))
#else
        // netstandard2.1 (Unity) has no span lookup: a short string for the rare token with digit letters.
        if (!KnownWords.Contains(decoded.ToString()))
#endif
        {
            return false;
        }

        decoded.CopyTo(destination);
        written = decoded.Length;
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
