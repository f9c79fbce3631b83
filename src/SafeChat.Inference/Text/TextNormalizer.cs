using System.Buffers;
using System.Globalization;
using System.Text;

namespace SafeChat.Inference.Text;

/// <summary>
/// Turns chat text into the canonical form the SafeChat detection model is trained and scored on, undoing the usual
/// evasion tricks (leetspeak, spaced letters, homoglyphs, zero-width characters, fancy Unicode letters, emoji code).
/// </summary>
/// <remarks>
/// <para>The same function runs at training and at inference, so it is deterministic (no culture, no clock, no random),
/// idempotent (<c>Normalize(Normalize(x)) == Normalize(x)</c>) and total: it never throws, whatever the input (lone
/// surrogates, control characters, megabyte strings). It runs in linear time without regular expressions and, apart
/// from the returned string, only allocates for non-ASCII input (Unicode normalization) and uses pooled buffers.</para>
/// <para>The steps, in order:</para>
/// <list type="number">
/// <item><b>Bidi controls.</b> Text is put in the order a reader sees it: a run inside a right-to-left override
/// (U+202E … U+202C) is reversed, so <c>"\u202Ecip a em dnes"</c> reads "send me a pic", and the embedding, override and
/// isolate controls (U+202A–U+202E, U+2066–U+2069) are removed.</item>
/// <item><b>Unicode folding.</b> Lone surrogates are dropped. A built-in table folds fullwidth, mathematical,
/// circled, super/subscript and accented Latin letters and digits to ASCII on every host; then NFKD decomposition folds compatibility forms (fullwidth
/// <c>ｓｎａｐ</c>, ligatures <c>ﬁ</c>, circled <c>ⓢ</c>, mathematical <c>𝓼𝓷𝓪𝓹</c>, superscripts) and splits accents from
/// letters. Combining diacritics are then dropped (<c>é</c> → <c>e</c>, <c>ñ</c> → <c>n</c>, <c>ü</c> → <c>u</c>, Zalgo noise
/// removed) and the German <c>ß</c>/<c>ẞ</c> becomes <c>ss</c>, so Spanish, German and Dutch words match with or without their
/// accents; invisible
/// characters are dropped too: format characters (zero-width space/joiners, bidi marks, soft hyphen, word joiner, BOM, tags),
/// variation selectors, emoji skin-tone modifiers, Hangul fillers and control characters. Every kind of whitespace
/// becomes a plain space. Letters drawn in emoji boxes (<c>🅢🅝🅐🅟</c>, regional indicators) become letters. Marks
/// that are not diacritics (Indic vowel signs) are kept and the text is recomposed (NFC).</item>
/// <item><b>HTML entities</b> from chat exports are decoded: <c>&amp;amp; &amp;lt; &amp;gt; &amp;quot; &amp;apos;
/// &amp;nbsp;</c> and numeric references to printable ASCII (<c>&amp;#39;</c>), including double encoding.</item>
/// <item><b>Tokens.</b> The text is split at whitespace. A chunk that is a URL (scheme, <c>www.</c>, or host with a
/// known TLD such as <c>bit.ly/x</c>, <c>t.me/x</c>) becomes <c>url</c>; an e-mail address becomes <c>email</c>.
/// Chunks are then split into words (letters, digits, <c>@</c>, <c>$</c>; <c>. , : / -</c> only between digits so
/// <c>4:30</c>, <c>1,500</c>, <c>555-1234</c> stay whole; <c>_</c> between letters or digits), punctuation runs and
/// emoji. Apostrophes inside words are dropped (<c>don't</c> → <c>dont</c>, <c>i'm</c> → <c>im</c>). A word starting
/// with <c>@</c> is a handle and becomes <c>handle</c> (except the leet form <c>@dd</c>).</item>
/// <item><b>Letter spacing.</b> Three or more single letters separated by the same punctuation with no spaces
/// (<c>s.n.a.p</c>, <c>s-n-a-p</c>, <c>s_e_n_d</c>) are joined, and so are three or more single letters separated by
/// spaces (<c>s n a p</c>) unless all of them are chat shorthand letters (<c>r u a</c>, <c>i c u</c> stay). When such a
/// run has single spaces inside words and wider gaps between them, the wider gaps are word breaks
/// (<c>a d d  m e  o n  s n a p</c> → <c>add me on snap</c>).</item>
/// <item><b>Words</b>, each in turn: homoglyphs are mapped to Latin (Latin small capitals always; Cyrillic, Greek,
/// Armenian and Cherokee lookalikes only in mixed-script words, so Russian text stays Cyrillic), the word is
/// lowercased (invariant), letters repeated three or more times are cut to two (<c>pleeeease</c> → <c>pleease</c>,
/// keeping <c>good</c> and <c>need</c> intact), and leetspeak is decoded when the word is clearly a word
/// (<c>s3nd p1c</c> → <c>send pic</c>; numbers, ages, prices, times and ids are kept; see <see
/// cref="LooksLikeIdentifier"/>). A standalone <c>4</c> after a word and before <c>u/ur/you/your/me…</c> becomes
/// <c>for</c> and a standalone <c>2</c> before <c>u/you/me/meet/see/talk/chat</c> becomes <c>to</c>; every other number,
/// such as the age in <c>im 13</c>, is kept.</item>
/// <item><b>Emoji</b> map to a small set of tokens: 👻 <c>snapchat</c>; 📸 📷 🤳 <c>photo</c>; 🍆 🍑 💦
/// <c>emoji_sexual</c>; 🎁 <c>gift</c>; 💰 💵 💸 🤑 <c>money</c>; 🤫 <c>secret</c>; 😘 💋 <c>emoji_kiss</c>; 😍 🥰 ❤
/// <c>emoji_love</c>; anything else <c>emoji</c>. Runs of emoji with the same token collapse to one.</item>
/// <item><b>Punctuation</b> runs collapse repeated characters (<c>!!!</c> → <c>!</c>) and stand as their own
/// token. Tokens are joined with single spaces; the result has no leading or trailing space.</item>
/// </list>
/// </remarks>
public static class TextNormalizer
{
    private const int StackLimit = 256;

    private static readonly SearchValues<char> LeetCharacters = SearchValues.Create("0134578@$");

    /// <summary>Returns the canonical form of <paramref name="text"/>; <see langword="null"/> gives an empty string.</summary>
    /// <param name="text">Chat text, any length and any content.</param>
    /// <returns>The normalized text (see the class remarks for the steps).</returns>
    public static string Normalize(string? text) =>
        string.IsNullOrEmpty(text) ? string.Empty : NormalizeCore(text, text.AsSpan());

    /// <summary>Returns the canonical form of <paramref name="text"/>, as <see cref="Normalize(string?)"/>.</summary>
    /// <param name="text">Chat text, any length and any content.</param>
    /// <returns>The normalized text.</returns>
    public static string Normalize(ReadOnlySpan<char> text) =>
        text.IsEmpty ? string.Empty : NormalizeCore(null, text);

    /// <summary>
    /// Whether the platform's Unicode normalization (ICU) is available. Without it (.NET invariant-globalization mode,
    /// e.g. some Alpine containers) the built-in table still folds fullwidth, mathematical, circled, super/subscript
    /// and accented Latin letters and digits, but rarer compatibility forms (ligatures, accented Greek, Hangul
    /// composition) are left as they are. Train and serve with the same setting; record it with the model.
    /// </summary>
    public static bool PlatformNormalizationAvailable { get; } = DetectPlatformNormalization();

    /// <summary>
    /// Whether a token mixing letters and digits looks like an id, code or hash rather than a leetspeak word, in which
    /// case it is never leet-decoded: hex strings of six or more chars (<c>a1b2c3d4</c>, md5), as many digits as
    /// letters (<c>x7y9</c>, <c>13f</c>), three or more digit runs (<c>k9m2x7p</c>), a leading digit followed by another
    /// digit run (<c>4f7k2</c>), separators (<c>cool_guy99</c>, <c>4:30pm</c>) or a length of 16 or more.
    /// Tokens of only letters or only digits, and tokens shorter than three chars, are not identifiers.
    /// </summary>
    /// <param name="token">A single token without spaces.</param>
    /// <returns><see langword="true"/> when the token looks like an identifier.</returns>
    public static bool LooksLikeIdentifier(ReadOnlySpan<char> token) => Leetspeak.LooksLikeIdentifier(token);

    private static bool DetectPlatformNormalization()
    {
        try
        {
            return "\u00E9".Normalize(NormalizationForm.FormD).Length == 2;
        }
        catch (PlatformNotSupportedException)
        {
            return false;
        }
    }

    private static string NormalizeCore(string? original, ReadOnlySpan<char> text)
    {
        if (BidiControls.ContainsAny(text))
        {
            // What the reader sees is what gets scored: undo right-to-left overrides, drop the other bidi controls.
            original = BidiControls.Resolve(text);
            text = original.AsSpan();
        }

        CharBuffer folded = FoldUnicode(original, text);
        try
        {
            if (folded.Written.Contains('&'))
            {
                folded.Truncate(HtmlEntities.DecodeInPlace(folded.WrittenMutable));
            }

            return Tokenize(folded.Written);
        }
        finally
        {
            folded.Dispose();
        }
    }

    // ---- Step 1: Unicode folding -------------------------------------------------------------------------------

    private static CharBuffer FoldUnicode(string? original, ReadOnlySpan<char> text)
    {
        ReadOnlySpan<char> source = text;
        if (!Ascii.IsValid(text))
        {
            string folded = FoldCommonAndDropLoneSurrogates(original, text);
            source = Decompose(folded, NormalizationForm.FormKD);
        }

        var buffer = new CharBuffer(source.Length);
        bool needsComposition = false;
        for (int i = 0; i < source.Length; i++)
        {
            char c = source[i];
            if (c < 0x80)
            {
                if (c >= ' ' && c != '\x7F')
                {
                    buffer.Append(c);
                }
                else if (c is '\t' or '\n' or '\v' or '\f' or '\r')
                {
                    buffer.Append(' ');
                }

                continue;
            }

            int codePoint = c;
            if (char.IsHighSurrogate(c) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]))
            {
                codePoint = char.ConvertToUtf32(c, source[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                continue;
            }

            FoldCodePoint(codePoint, ref buffer, ref needsComposition);
        }

        if (needsComposition)
        {
            string composed = Decompose(buffer.Written.ToString(), NormalizationForm.FormC);
            if (composed.Length <= buffer.Length)
            {
                buffer.Truncate(0);
                buffer.Append(composed);
            }
        }

        return buffer;
    }

    private static void FoldCodePoint(int codePoint, ref CharBuffer buffer, ref bool needsComposition)
    {
        if (IsInvisible(codePoint))
        {
            return;
        }

        if (TryBoxedLetter(codePoint, out char letter))
        {
            buffer.Append(letter);
            return;
        }

        switch (CharUnicodeInfo.GetUnicodeCategory(codePoint))
        {
            case UnicodeCategory.Control:
                if (codePoint == 0x85)
                {
                    buffer.Append(' ');
                }

                return;
            case UnicodeCategory.Format:
            case UnicodeCategory.Surrogate:
                return;
            case UnicodeCategory.SpaceSeparator:
            case UnicodeCategory.LineSeparator:
            case UnicodeCategory.ParagraphSeparator:
                buffer.Append(' ');
                return;
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.SpacingCombiningMark:
            case UnicodeCategory.EnclosingMark:
                needsComposition = true;
                break;
            default:
                if (codePoint is (>= 0x1100 and <= 0x11FF) or (>= 0xA960 and <= 0xA97F) or (>= 0xD7B0 and <= 0xD7FF))
                {
                    needsComposition = true; // Hangul jamo from a decomposed syllable.
                }

                break;
        }

        if (codePoint == 0x2800)
        {
            buffer.Append(' '); // Braille blank, used as an invisible space.
            return;
        }

        if (codePoint < 0x10000)
        {
            buffer.Append((char)codePoint);
        }
        else
        {
            Span<char> pair = stackalloc char[2];
            int length = new Rune(codePoint).EncodeToUtf16(pair);
            buffer.Append(pair[..length]);
        }
    }

    /// <summary>Combining diacritics (after NFKD these are accents and Zalgo noise), selectors and fillers.</summary>
    private static bool IsInvisible(int codePoint) => codePoint switch
    {
        >= 0x0300 and <= 0x036F => true,   // combining diacritical marks (incl. U+034F grapheme joiner)
        >= 0x0483 and <= 0x0489 => true,   // Cyrillic combining marks
        >= 0x1AB0 and <= 0x1AFF => true,   // combining diacritical marks extended
        >= 0x1DC0 and <= 0x1DFF => true,   // combining diacritical marks supplement
        >= 0x20D0 and <= 0x20FF => true,   // combining marks for symbols (incl. keycap U+20E3)
        >= 0xFE20 and <= 0xFE2F => true,   // combining half marks
        >= 0xFE00 and <= 0xFE0F => true,   // variation selectors
        >= 0xE0100 and <= 0xE01EF => true, // variation selectors supplement
        >= 0x1F3FB and <= 0x1F3FF => true, // emoji skin-tone modifiers
        0x115F or 0x1160 or 0x3164 or 0xFFA0 => true, // Hangul fillers (render as nothing)
        0xFFFD => true,                    // replacement character
        _ => false,
    };

    /// <summary>Negative circled/squared letters and regional indicators have no NFKD form: map them to letters.</summary>
    private static bool TryBoxedLetter(int codePoint, out char letter)
    {
        int offset = codePoint switch
        {
            >= 0x1F150 and <= 0x1F169 => codePoint - 0x1F150,
            >= 0x1F170 and <= 0x1F189 => codePoint - 0x1F170,
            >= 0x1F1E6 and <= 0x1F1FF => codePoint - 0x1F1E6,
            _ => -1,
        };
        letter = offset >= 0 ? (char)('a' + offset) : '\0';
        return offset >= 0;
    }

    /// <summary>
    /// Drops lone surrogates and folds code points of the built-in <see cref="FoldTable"/> to ASCII, so the common
    /// evasion alphabets normalize the same with or without the platform's Unicode normalization.
    /// </summary>
    private static string FoldCommonAndDropLoneSurrogates(string? original, ReadOnlySpan<char> text)
    {
        var builder = new CharBuffer(text.Length);
        try
        {
            bool changed = false;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c < 0x80)
                {
                    builder.Append(c);
                    continue;
                }

                int codePoint = c;
                int width = 1;
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    codePoint = char.ConvertToUtf32(c, text[i + 1]);
                    width = 2;
                }
                else if (char.IsSurrogate(c))
                {
                    changed = true;
                    continue;
                }

                if (FoldTable.TryFold(codePoint, out char ascii))
                {
                    builder.Append(ascii);
                    changed = true;
                }
                else if (codePoint is 0x00DF or 0x1E9E)
                {
                    builder.Append("ss"); // German sharp s (and its capital): no decomposition, written "ss" in Swiss German.
                    changed = true;
                }
                else
                {
                    builder.Append(text.Slice(i, width));
                }

                i += width - 1;
            }

            return changed ? builder.ToString() : original ?? text.ToString();
        }
        finally
        {
            builder.Dispose();
        }
    }

    private static string Decompose(string text, NormalizationForm form)
    {
        try
        {
            return text.IsNormalized(form) ? text : text.Normalize(form);
        }
        catch (Exception e) when (e is ArgumentException or PlatformNotSupportedException)
        {
            return text; // Not expected once lone surrogates are gone; the normalizer must never throw.
        }
    }

    // ---- Steps 3 to 7: tokens ------------------------------------------------------------------------------------

    private static string Tokenize(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return string.Empty;
        }

        Token[] tokens = ArrayPool<Token>.Shared.Rent(text.Length + 1);
        char[] scratch = ArrayPool<char>.Shared.Rent((text.Length * 2) + 16);
        var output = new CharBuffer(text.Length + (text.Length / 2) + 16);
        try
        {
            var tokenizer = new Tokenizer(tokens, scratch);
            int start = 0;
            int spaces = 0;
            while (start < text.Length)
            {
                if (text[start] == ' ')
                {
                    start++;
                    spaces++;
                    continue;
                }

                int end = text[start..].IndexOf(' ');
                end = end < 0 ? text.Length : start + end;
                tokenizer.AddChunk(text[start..end], wideSpaceBefore: spaces >= 2);
                start = end;
                spaces = 0;
            }

            int count = tokenizer.JoinSpacedLetters();
            Emit(tokens.AsSpan(0, count), scratch, ref output);
            return output.ToString();
        }
        finally
        {
            output.Dispose();
            ArrayPool<char>.Shared.Return(scratch);
            ArrayPool<Token>.Shared.Return(tokens);
        }
    }

    private static void Emit(ReadOnlySpan<Token> tokens, char[] scratch, ref CharBuffer output)
    {
        int lastEmoji = -1;
        for (int k = 0; k < tokens.Length; k++)
        {
            Token token = tokens[k];
            if (token.Kind == TokenKind.Emoji)
            {
                if (lastEmoji != token.Canonical)
                {
                    AppendSeparated(ref output, EmojiTokens.TextOf(token.Canonical));
                    lastEmoji = token.Canonical;
                }

                continue;
            }

            lastEmoji = -1;
            ReadOnlySpan<char> text = scratch.AsSpan(token.Start, token.Length);
            switch (token.Kind)
            {
                case TokenKind.Canonical:
                    AppendSeparated(ref output, EmojiTokens.TextOf(token.Canonical));
                    break;
                case TokenKind.Punct:
                    if (output.Length > 0)
                    {
                        output.Append(' ');
                    }

                    foreach (char c in text)
                    {
                        output.Append(char.ToLowerInvariant(c));
                    }

                    break;
                default:
                    string? shorthand = NumberShorthand(tokens, k, scratch);
                    if (shorthand is not null)
                    {
                        AppendSeparated(ref output, shorthand);
                    }
                    else
                    {
                        AppendWord(ref output, text);
                    }

                    break;
            }
        }
    }

    private static void AppendSeparated(ref CharBuffer output, ReadOnlySpan<char> text)
    {
        if (output.Length > 0)
        {
            output.Append(' ');
        }

        output.Append(text);
    }

    private static void AppendWord(ref CharBuffer output, ReadOnlySpan<char> word)
    {
        int capacity = WorkLength(word.Length);
        char[]? rented = null;
        Span<char> destination = capacity <= StackLimit
            ? stackalloc char[capacity]
            : (rented = ArrayPool<char>.Shared.Rent(capacity));
        try
        {
            ReadOnlySpan<char> transformed = destination[..TransformWord(word, destination)];
            AppendSeparated(ref output, Tokenizer.IsHandle(transformed) ? EmojiTokens.TextOf(EmojiTokens.Handle) : transformed);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Scratch length <see cref="TransformWord"/> needs for a word of <paramref name="length"/> chars.</summary>
    private static int WorkLength(int length) => Leetspeak.MaxDecodedLength(length) + length;

    /// <summary>
    /// Step 5 for one word: lookalikes, lowercase, stretched letters, leetspeak. <paramref name="destination"/> holds
    /// at least <see cref="WorkLength"/> chars; returns the written length.
    /// </summary>
    private static int TransformWord(ReadOnlySpan<char> word, Span<char> destination)
    {
        int decodedMax = Leetspeak.MaxDecodedLength(word.Length);
        Span<char> folded = destination.Slice(decodedMax, word.Length); // leet output goes to the front
        if (Ascii.IsValid(word))
        {
            Ascii.ToLower(word, folded, out _);
        }
        else
        {
            FoldWord(word, folded);
        }

        int length = CollapseStretched(folded[..word.Length]);
        if (folded[..length].ContainsAny(LeetCharacters)
            && Leetspeak.TryDecode(folded[..length], destination[..decodedMax], out int decoded))
        {
            return CollapseStretched(destination[..decoded]);
        }

        folded[..length].CopyTo(destination);
        return length;
    }

    /// <summary>Lookalikes to Latin and invariant lowercase, for a word with non-ASCII chars (same length).</summary>
    private static void FoldWord(ReadOnlySpan<char> word, Span<char> folded)
    {
        bool mapScripts = Confusables.ShouldMap(word);
        for (int i = 0; i < word.Length; i++)
        {
            char c = word[i];
            if (char.IsHighSurrogate(c) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]))
            {
                folded[i] = c;
                folded[i + 1] = word[i + 1];
                var rune = new Rune(c, word[i + 1]);
                Rune lower = Rune.ToLowerInvariant(rune);
                if (lower.Utf16SequenceLength == 2)
                {
                    lower.EncodeToUtf16(folded[i..]);
                }

                i++;
                continue;
            }

            folded[i] = Confusables.TryMapLatin(c, out char latin) || (mapScripts && Confusables.TryMapScript(c, out latin))
                ? latin
                : char.ToLowerInvariant(c);
        }
    }

    /// <summary>Cuts runs of three or more identical letters to two, in place; returns the new length.</summary>
    private static int CollapseStretched(Span<char> word)
    {
        int write = 0;
        for (int read = 0; read < word.Length; read++)
        {
            char c = word[read];
            if (write >= 2 && word[write - 1] == c && word[write - 2] == c && char.IsLetter(c))
            {
                continue;
            }

            word[write++] = c;
        }

        return write;
    }

    /// <summary>"4 u" → "for u", "2 me" → "to me", "4 pic" → "a pic"; only a standalone digit between a word and a listed word.</summary>
    private static string? NumberShorthand(ReadOnlySpan<Token> tokens, int index, char[] scratch)
    {
        Token token = tokens[index];
        if (token.Length != 1 || index == 0 || index + 1 >= tokens.Length)
        {
            return null;
        }

        char digit = scratch[token.Start];
        if (digit is not ('4' or '2'))
        {
            return null;
        }

        Token previous = tokens[index - 1];
        bool afterWord = previous.Kind is TokenKind.Canonical or TokenKind.Emoji
            || (previous.Kind == TokenKind.Word && ContainsLetter(scratch.AsSpan(previous.Start, previous.Length)));
        Token next = tokens[index + 1];
        if (!afterWord || next.Kind != TokenKind.Word || next.Length > 8)
        {
            return null;
        }

        Span<char> transformed = stackalloc char[WorkLength(8)];
        ReadOnlySpan<char> follower = transformed[..TransformWord(scratch.AsSpan(next.Start, next.Length), transformed)];
        if (digit == '4' && follower is "u" or "ur" or "you" or "your" or "yours" or "me" or "us" or "him" or "her"
            or "them" or "real" or "sure" or "free" or "now" or "ever")
        {
            return "for";
        }

        // "send me 4 pic": a count needs a plural, so 4 before a singular image noun is the article "a".
        if (digit == '4' && follower is "pic" or "photo" or "selfie" or "vid" or "video" or "nude")
        {
            return "a";
        }

        if (digit == '2' && follower is "u" or "you" or "me" or "meet" or "see" or "talk" or "chat")
        {
            return "to";
        }

        return null;
    }

    private static bool ContainsLetter(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (char.IsLetter(c))
            {
                return true;
            }
        }

        return false;
    }
}
