using System.Globalization;
using System.Text;

namespace SafeChat.Inference.Text;

/// <summary>What a token is; words go through the word steps, the rest is written as is.</summary>
internal enum TokenKind : byte
{
    Word,
    Punct,
    Canonical,
    Emoji,
}

/// <summary>A token: text in the scratch buffer (words, punctuation) or a canonical token id (url, emoji...).</summary>
internal struct Token
{
    public int Start;
    public int Length;
    public TokenKind Kind;
    public byte Canonical;

    /// <summary>Whether whitespace (or the start of the text) comes right before the token.</summary>
    public bool SpaceBefore;

    /// <summary>Whether two or more whitespace characters come right before the token (a word break in spaced text).</summary>
    public bool WideSpaceBefore;
}

/// <summary>
/// Splits whitespace-free chunks into tokens (step 3) and joins spaced-out letters (step 4). Token text is copied to a
/// scratch buffer of at least twice the input length: the copy can only be shorter than the input, and joined letter
/// runs use at most the same amount again.
/// </summary>
internal ref struct Tokenizer
{
    private const string OpeningPunctuation = "([{<\"'";
    private const string ClosingPunctuation = ")]}>\"'!?,;:.";
    private const string LetterSeparators = ".-*|/+~,:^=\u00B7";

    private readonly Token[] _tokens;
    private readonly char[] _scratch;
    private int _count;
    private int _scratchLength;
    private bool _pendingWideSpace;

    public Tokenizer(Token[] tokens, char[] scratch)
    {
        _tokens = tokens;
        _scratch = scratch;
    }

    /// <summary>Tokenizes one chunk of text between spaces.</summary>
    /// <param name="chunk">Text without spaces.</param>
    /// <param name="wideSpaceBefore">Whether two or more spaces came before the chunk.</param>
    public void AddChunk(ReadOnlySpan<char> chunk, bool wideSpaceBefore = false)
    {
        _pendingWideSpace = wideSpaceBefore;
        int lead = 0;
        while (lead < chunk.Length && OpeningPunctuation.Contains(chunk[lead]))
        {
            lead++;
        }

        int end = chunk.Length;
        while (end > lead && ClosingPunctuation.Contains(chunk[end - 1]))
        {
            end--;
        }

        ReadOnlySpan<char> core = chunk[lead..end];
        if (core.Length >= 4)
        {
            bool email = core.Contains('@') && WebTokens.IsEmail(core);
            if (email || (!core.Contains('@') && WebTokens.IsUrl(core)))
            {
                Scan(chunk[..lead], spaceBefore: true);
                AddCanonical(email ? EmojiTokens.Email : EmojiTokens.Url, TokenKind.Canonical, spaceBefore: lead == 0);
                Scan(chunk[end..], spaceBefore: false);
                return;
            }
        }

        Scan(chunk, spaceBefore: true);
    }

    /// <summary>
    /// Step 4: joins single letters separated by the same punctuation without spaces (<c>s.n.a.p</c>), then runs of
    /// three or more single letters between spaces (<c>s n a p</c>), compacting the token list. Returns the count.
    /// </summary>
    public int JoinSpacedLetters()
    {
        _count = JoinRuns(bySeparator: true);
        _count = JoinRuns(bySeparator: false);
        return _count;
    }

    private int JoinRuns(bool bySeparator)
    {
        int write = 0;
        int i = 0;
        while (i < _count)
        {
            int last = i;
            int letters = 1;
            if (IsSingleLetter(i))
            {
                if (bySeparator)
                {
                    char separator = '\0';
                    while (last + 2 < _count && IsSeparator(last + 1, ref separator) && IsSingleLetter(last + 2)
                           && !_tokens[last + 2].SpaceBefore)
                    {
                        last += 2;
                        letters++;
                    }
                }
                else
                {
                    while (last + 1 < _count && IsSingleLetter(last + 1))
                    {
                        last++;
                        letters++;
                    }
                }
            }

            if (letters >= 3 && !bySeparator && !AllShorthand(i, last) && HasMixedGaps(i, last))
            {
                // "a d d  m e  o n  s n a p": single spaces inside words, wider spaces between them.
                int group = i;
                for (int k = i + 1; k <= last + 1; k++)
                {
                    if (k <= last && !_tokens[k].WideSpaceBefore)
                    {
                        continue;
                    }

                    int start = _scratchLength;
                    for (int m = group; m < k; m++)
                    {
                        _scratch[_scratchLength++] = _scratch[_tokens[m].Start];
                    }

                    _tokens[write++] = new Token
                    {
                        Start = start, Length = _scratchLength - start, Kind = TokenKind.Word,
                        SpaceBefore = _tokens[group].SpaceBefore, WideSpaceBefore = _tokens[group].WideSpaceBefore,
                    };
                    group = k;
                }

                i = last + 1;
                continue;
            }

            if (letters >= 3 && (bySeparator || !AllShorthand(i, last)))
            {
                int start = _scratchLength;
                for (int k = i; k <= last; k += bySeparator ? 2 : 1)
                {
                    _scratch[_scratchLength++] = _scratch[_tokens[k].Start];
                }

                _tokens[write++] = new Token
                {
                    Start = start, Length = _scratchLength - start, Kind = TokenKind.Word,
                    SpaceBefore = _tokens[i].SpaceBefore,
                };
                i = last + 1;
                continue;
            }

            _tokens[write++] = _tokens[i++];
        }

        return write;
    }

    private void MarkWideSpace(int index)
    {
        if (_pendingWideSpace)
        {
            _tokens[index].WideSpaceBefore = true;
            _pendingWideSpace = false;
        }
    }

    private readonly bool HasMixedGaps(int first, int last)
    {
        bool wide = false;
        bool narrow = false;
        for (int k = first + 1; k <= last; k++)
        {
            wide |= _tokens[k].WideSpaceBefore;
            narrow |= !_tokens[k].WideSpaceBefore;
        }

        return wide && narrow;
    }

    private readonly bool IsSingleLetter(int index)
    {
        Token token = _tokens[index];
        return token.Kind == TokenKind.Word && token.Length == 1 && char.IsLetter(_scratch[token.Start]);
    }

    private readonly bool IsSeparator(int index, ref char separator)
    {
        Token token = _tokens[index];
        if (token.Kind != TokenKind.Punct || token.Length != 1 || token.SpaceBefore)
        {
            return false;
        }

        char c = _scratch[token.Start];
        if (separator == '\0' && LetterSeparators.Contains(c))
        {
            separator = c;
        }

        return c == separator;
    }

    /// <summary>Letters that are words on their own in chat ("r u a", "i c u", "k"): such runs stay apart.</summary>
    private readonly bool AllShorthand(int first, int last)
    {
        for (int k = first; k <= last; k++)
        {
            if (char.ToLowerInvariant(_scratch[_tokens[k].Start]) is not ('a' or 'i' or 'u' or 'r' or 'y' or 'k' or 'c'
                or 'b' or 'n' or 'o' or 'x'))
            {
                return false;
            }
        }

        return true;
    }

    private void Scan(ReadOnlySpan<char> text, bool spaceBefore)
    {
        int i = 0;
        while (i < text.Length)
        {
            int width = CodePointAt(text, i, out int codePoint);
            if (EmojiTokens.IsEmoji(codePoint))
            {
                AddCanonical(EmojiTokens.Classify(codePoint), TokenKind.Emoji, spaceBefore);
                i += width;
            }
            else if (IsWordChar(codePoint))
            {
                i = ScanWord(text, i, spaceBefore);
            }
            else
            {
                i = ScanPunctuation(text, i, spaceBefore);
            }

            spaceBefore = false;
        }
    }

    private int ScanWord(ReadOnlySpan<char> text, int i, bool spaceBefore)
    {
        int start = _scratchLength;
        while (i < text.Length)
        {
            int width = CodePointAt(text, i, out int codePoint);
            char c = text[i];
            char previous = _scratchLength > start ? _scratch[_scratchLength - 1] : '\0';
            char next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (IsWordChar(codePoint)
                || (c is '.' or ',' or ':' or '/' or '-' && char.IsDigit(previous) && char.IsDigit(next))
                || (c == '_' && char.IsLetterOrDigit(previous) && char.IsLetterOrDigit(next)))
            {
                text.Slice(i, width).CopyTo(_scratch.AsSpan(_scratchLength));
                _scratchLength += width;
                i += width;
            }
            else if (c is '\'' or '\u2019' && char.IsLetter(previous) && char.IsLetter(next))
            {
                i++; // don't → dont
            }
            else
            {
                break;
            }
        }

        AddWord(start, spaceBefore);
        return i;
    }

    private int ScanPunctuation(ReadOnlySpan<char> text, int i, bool spaceBefore)
    {
        int start = _scratchLength;
        while (i < text.Length)
        {
            int width = CodePointAt(text, i, out int codePoint);
            if (EmojiTokens.IsEmoji(codePoint) || IsWordChar(codePoint))
            {
                break;
            }

            ReadOnlySpan<char> unit = text.Slice(i, width);
            int length = _scratchLength - start;
            bool repeat = length >= width && _scratch.AsSpan(_scratchLength - width, width).SequenceEqual(unit);
            if (!repeat)
            {
                unit.CopyTo(_scratch.AsSpan(_scratchLength));
                _scratchLength += width;
            }

            i += width;
        }

        _tokens[_count++] = new Token
        {
            Start = start, Length = _scratchLength - start, Kind = TokenKind.Punct, SpaceBefore = spaceBefore,
        };
        MarkWideSpace(_count - 1);
        return i;
    }

    private void AddWord(int start, bool spaceBefore)
    {
        ReadOnlySpan<char> word = _scratch.AsSpan(start, _scratchLength - start);
        if (IsUnderscoreSpaced(word))
        {
            int write = start;
            foreach (char c in word)
            {
                if (c != '_')
                {
                    _scratch[write++] = c;
                }
            }

            _scratchLength = write;
        }

        _tokens[_count++] = new Token
        {
            Start = start, Length = _scratchLength - start, Kind = TokenKind.Word, SpaceBefore = spaceBefore,
        };
        MarkWideSpace(_count - 1);
    }

    private void AddCanonical(byte id, TokenKind kind, bool spaceBefore)
    {
        _tokens[_count++] = new Token { Kind = kind, Canonical = id, SpaceBefore = spaceBefore };
        MarkWideSpace(_count - 1);
    }

    /// <summary>
    /// Whether a transformed (lowercase) word is a handle: <c>@</c> then ASCII letters, digits and underscores,
    /// starting with a letter or underscore. Leet forms such as <c>@dd</c> were decoded before this check.
    /// </summary>
    public static bool IsHandle(ReadOnlySpan<char> word)
    {
        if (word.Length < 2 || word[0] != '@' || (!char.IsAsciiLetter(word[1]) && word[1] != '_'))
        {
            return false;
        }

        foreach (char c in word[1..])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>s_e_n_d</c>: three or more single letters joined by underscores.</summary>
    private static bool IsUnderscoreSpaced(ReadOnlySpan<char> word)
    {
        if (word.Length < 5 || word.Length % 2 == 0)
        {
            return false;
        }

        for (int i = 0; i < word.Length; i++)
        {
            if (i % 2 == 0 ? !char.IsLetter(word[i]) : word[i] != '_')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWordChar(int codePoint)
    {
        if (codePoint is '@' or '$')
        {
            return true;
        }

        if (codePoint < 0x80)
        {
            return char.IsAsciiLetterOrDigit((char)codePoint);
        }

        var rune = new Rune(codePoint);
        if (Rune.IsLetterOrDigit(rune))
        {
            return true;
        }

        UnicodeCategory category = Rune.GetUnicodeCategory(rune);
        return category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            or UnicodeCategory.EnclosingMark;
    }

    private static int CodePointAt(ReadOnlySpan<char> text, int i, out int codePoint)
    {
        char c = text[i];
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            codePoint = char.ConvertToUtf32(c, text[i + 1]);
            return 2;
        }

        codePoint = char.IsSurrogate(c) ? 0xFFFD : c;
        return 1;
    }
}
