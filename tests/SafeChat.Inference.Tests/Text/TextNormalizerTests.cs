using SafeChat.Inference.Text;

namespace SafeChat.Inference.Tests.Text;

public class TextNormalizerTests
{
    // ---- Evasion examples from the brief -------------------------------------------------------------------------

    [Theory]
    [InlineData("s3nd p1c", "send pic")]
    [InlineData("s n a p", "snap")]
    [InlineData("\u0430dd me on sn\u0430p", "add me on snap")] // Cyrillic а
    [InlineData("d\u200Bo\u200Bn\u200Bt t\u200Be\u200Bl\u200Bl", "dont tell")]
    [InlineData("pleeeease", "pleease")]
    [InlineData("𝓼𝓮𝓷𝓭 𝓹𝓲𝓬", "send pic")]
    [InlineData("ur s0 m4ture 4 ur age", "ur so mature for ur age")]
    public void Normalize_BriefEvasionExamples_AreDecoded(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    // ---- 1. Unicode folding and lowercase -----------------------------------------------------------------------

    [Theory]
    [InlineData("ＳＮＡＰ ｍｅ", "snap me")]            // fullwidth
    [InlineData("ﬁne", "fine")]                      // ligature
    [InlineData("ⓢⓝⓐⓟ", "snap")]                     // circled
    [InlineData("𝐬𝐞𝐧𝐝 𝕟𝕦𝕕𝕖𝕤", "send nudes")]            // math bold, double-struck
    [InlineData("🅢🅝🅐🅟", "snap")]                     // negative circled (no NFKD form)
    [InlineData("ꜱɴᴀᴘ", "snap")]                      // Latin small capitals
    [InlineData("HELLO There", "hello there")]
    [InlineData("İstanbul", "istanbul")]
    [InlineData("ˢᵉⁿᵈ", "send")]                      // superscript letters
    public void Normalize_CompatibilityForms_FoldToPlainLowercase(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData(0xFF53, 's')]    // fullwidth
    [InlineData(0x1D4FC, 's')]   // mathematical script
    [InlineData(0x24E2, 's')]    // circled
    [InlineData(0x00E9, 'e')]    // é
    [InlineData(0x00B3, '3')]    // superscript three
    [InlineData(0x1D7D1, '3')]   // mathematical bold digit three
    public void FoldTable_CommonEvasionAlphabets_FoldToAscii(int codePoint, char expected)
    {
        Assert.True(FoldTable.TryFold(codePoint, out char ascii));
        Assert.Equal(expected, ascii);
    }

    [Theory]
    [InlineData(0x0430)] // Cyrillic а is a homoglyph, not a compatibility form
    [InlineData(0x4E00)]
    [InlineData(0x1F602)]
    public void FoldTable_OtherCodePoints_AreNotFolded(int codePoint)
    {
        Assert.False(FoldTable.TryFold(codePoint, out _));
    }

    [Fact]
    public void PlatformNormalizationAvailable_OnThisHost_IsTrue()
    {
        // The test hosts run with ICU; invariant-globalization hosts report false and use the built-in fold only.
        Assert.True(TextNormalizer.PlatformNormalizationAvailable);
    }

    // ---- 2. Diacritics, invisible characters, Zalgo ------------------------------------------------------------

    [Theory]
    [InlineData("café résumé naïve", "cafe resume naive")]
    [InlineData("s\u200Cn\u200Da\u2060p", "snap")]             // ZWNJ, ZWJ, word joiner
    [InlineData("s\uFEFFn\u00ADa\u200Ep", "snap")]             // BOM, soft hyphen, LRM
    [InlineData("se\uFE0Fnd", "send")]                         // variation selector
    [InlineData("s̷̢̛n̴͓̈́a̶̰͝p̵̱̿", "snap")]                                   // Zalgo
    [InlineData("hi\u3164there", "hithere")]                   // Hangul filler
    [InlineData("a\u00A0b\u2003c\u3000d", "abcd")]              // odd spaces become spaces, then the letters join
    [InlineData("line1\r\nline2\tend", "line1 line2 end")]
    public void Normalize_InvisibleAndDiacritics_AreRemoved(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    // ---- 3. Homoglyphs -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("s\u0435nd nud\u0435s", "send nudes")]       // Cyrillic е
    [InlineData("\u0440ic", "pic")]                          // Cyrillic р
    [InlineData("\u0455\u0435\u0445y", "sexy")]               // Cyrillic ѕ е х + Latin y
    [InlineData("\u0455\u0435\u0445", "sex")]                 // only lookalikes, with ѕ that Russian does not use
    [InlineData("h\u03BFt", "hot")]                          // Greek ο
    [InlineData("\u0391DD ME", "add me")]                    // Greek Α then Latin
    [InlineData("\u13DF\u13AA\u13B7", "cam")]                // Cherokee
    [InlineData("sn\u0561p", "snwp")]                        // Armenian ա is a w lookalike
    [InlineData("g\u0585\u0585d", "good")]                   // Armenian օ
    public void Normalize_MixedScriptLookalikes_MapToLatin(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData("Привет, как дела?", "привет , как дела ?")]
    [InlineData("сахар", "сахар")]        // only lookalike letters, but a real Russian word
    [InlineData("Καλημέρα", "καλημερα")]  // Greek keeps its script (accent stripped)
    [InlineData("日本語 テキスト", "日本語 テキスト")]
    [InlineData("안녕하세요", "안녕하세요")]   // Hangul survives decomposition
    [InlineData("नमस्ते", "नमस्ते")]            // Devanagari vowel signs are kept
    public void Normalize_GenuineNonLatinText_IsPreserved(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    // ---- 4. Leetspeak: positive cases ----------------------------------------------------------------------------

    [Theory]
    [InlineData("n00dz", "noodz")]
    [InlineData("h3ll0", "hello")]
    [InlineData("b@by", "baby")]
    [InlineData("$exy", "sexy")]
    [InlineData("@dd me", "add me")]
    [InlineData("h4x0r", "haxor")]
    [InlineData("l8r", "later")]
    [InlineData("gr8", "grate")]
    [InlineData("g1rl5", "girls")]
    [InlineData("S3ND P1CS", "send pics")]
    [InlineData("p\u0456c", "pic")]                      // Cyrillic і inside Latin
    [InlineData("k1ll", "kill")]
    [InlineData("4dd m3 0n sn4p", "add me on snap")]
    [InlineData("s3nd m3 4 p1c", "send me a pic")]
    [InlineData("73ll m3", "tell me")]
    [InlineData("m33t m3", "meet me")]
    [InlineData("$3x", "sex")]
    public void Normalize_LeetWords_AreDecoded(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    // ---- 4. Leetspeak: negative cases (numbers, ages, ids...) -----------------------------------------------------

    [Theory]
    [InlineData("1500", "1500")]
    [InlineData("im 13", "im 13")]
    [InlineData("i'm 13", "im 13")]
    [InlineData("13 f", "13 f")]
    [InlineData("u 12?", "u 12 ?")]
    [InlineData("13f", "13f")]
    [InlineData("14yo", "14yo")]
    [InlineData("f13", "f13")]
    [InlineData("2024", "2024")]
    [InlineData("at 4:30", "at 4:30")]
    [InlineData("4:30pm", "4:30pm")]
    [InlineData("call 555-123-4567", "call 555-123-4567")]
    [InlineData("$20", "$20")]
    [InlineData("$20.50 each", "$20.50 each")]
    [InlineData("1,500 robux", "1,500 robux")]
    [InlineData("4f7k2", "4f7k2")]
    [InlineData("a1b2c3d4", "a1b2c3d4")]
    [InlineData("x7y9", "x7y9")]
    [InlineData("d41d8cd98f00b204e9800998ecf8427e", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("lobby qx7b3k", "lobby qx7b3k")]
    [InlineData("player1", "player1")]
    [InlineData("ps4 or xbox360", "ps4 or xbox360")]
    [InlineData("mp3", "mp3")]
    [InlineData("1st 2nd 3rd 4th", "1st 2nd 3rd 4th")]
    [InlineData("4ever", "4ever")]
    [InlineData("5min", "5min")]
    [InlineData("win10", "win10")]
    [InlineData("c0ffee", "c0ffee")]
    [InlineData("photo of question 4", "photo of question 4")]
    [InlineData("i'll end you in 1 hour", "ill end you in 1 hour")]
    [InlineData("level 4 u", "level for u")]
    [InlineData("4pm", "4pm")]
    [InlineData("4m away", "4m away")]
    [InlineData("1s", "1s")]
    [InlineData("3d print", "3d print")]
    [InlineData("room 4b", "room 4b")]
    [InlineData("14m 15f", "14m 15f")]
    [InlineData("m4 motorway", "m4 motorway")]
    [InlineData("b4 10", "b4 10")]
    public void Normalize_NumbersAndIdentifiers_AreNotLeetDecoded(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData("this is 4 u", "this is for u")]
    [InlineData("send it 2 me", "send it to me")]
    [InlineData("13 4 u", "13 4 u")]       // after a number: stays a number
    [InlineData("age 4", "age 4")]
    [InlineData("4 u", "4 u")]             // nothing before it
    [InlineData("i have 4 cats", "i have 4 cats")]
    [InlineData("send me 4 pics", "send me 4 pics")] // a count: plural stays a number
    [InlineData("send me 4 pic", "send me a pic")]
    public void Normalize_StandaloneFourAndTwo_BecomeForAndToOnlyBetweenWords(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData("a1b2c3d4", true)]
    [InlineData("d41d8cd98f00b204e9800998ecf8427e", true)]
    [InlineData("4f7k2", true)]
    [InlineData("x7y9", true)]
    [InlineData("cool_guy99", true)]
    [InlineData("k9m2x7p", true)]
    [InlineData("s3nd", false)]
    [InlineData("n00dz", false)]
    [InlineData("hello", false)]
    [InlineData("1500", false)]
    [InlineData("ab", false)]
    public void LooksLikeIdentifier_ClassifiesTokens(string token, bool expected)
    {
        Assert.Equal(expected, TextNormalizer.LooksLikeIdentifier(token));
    }

    // ---- 5. Letter spacing ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData("add me on s n a p", "add me on snap")]
    [InlineData("a d d  m e  o n  s n a p", "add me on snap")]   // wider gaps between spaced words are word breaks
    [InlineData("s e n d   p i c", "send pic")]
    [InlineData("s  n  a  p", "snap")]                        // evenly wide gaps are still one word
    [InlineData("s.n.a.p", "snap")]
    [InlineData("s-n-a-p", "snap")]
    [InlineData("s_e_n_d", "send")]
    [InlineData("s*e*x", "sex")]
    [InlineData("S.N.A.P.", "snap .")]
    [InlineData("c a m now", "cam now")]
    [InlineData("i am here", "i am here")]
    [InlineData("r u a boy", "r u a boy")]
    [InlineData("i c u", "i c u")]
    [InlineData("a.b", "a . b")]
    [InlineData("s.n-a.p", "s . n - a . p")]           // mixed separators are not a run
    public void Normalize_SpacedLetters_AreJoinedOnlyInRunsOfThree(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    // ---- 6. Stretched letters ------------------------------------------------------------------------------------

    [Theory]
    [InlineData("sooooo cute", "soo cute")]
    [InlineData("heyyyy", "heyy")]
    [InlineData("good need", "good need")]
    [InlineData("PLEEEASE", "pleease")]
    [InlineData("1000000", "1000000")]
    public void Normalize_StretchedLetters_CollapseToTwo(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    // ---- 7. Punctuation and whitespace ---------------------------------------------------------------------------

    [Theory]
    [InlineData("hi!!!!!", "hi !")]
    [InlineData("really???!!!", "really ?!")]
    [InlineData("wait...", "wait .")]
    [InlineData("   lots    of\t\tspace   ", "lots of space")]
    [InlineData("don't tell", "dont tell")]
    [InlineData("don’t tell", "dont tell")]
    public void Normalize_PunctuationAndWhitespace_Collapse(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    // ---- 8. Emoji ------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("add me 👻", "add me snapchat")]
    [InlineData("send 📸", "send photo")]
    [InlineData("📷", "photo")]
    [InlineData("🍆🍑💦", "emoji_sexual")]
    [InlineData("🍆 🍆", "emoji_sexual")]
    [InlineData("free 🎁", "free gift")]
    [InlineData("💰💵💸", "money")]
    [InlineData("our 🤫", "our secret")]
    [InlineData("😘", "emoji_kiss")]
    [InlineData("😍", "emoji_love")]
    [InlineData("❤️", "emoji_love")]
    [InlineData("lol 😂😂😂", "lol emoji")]
    [InlineData("👍🏽", "emoji")]                 // skin tone dropped
    [InlineData("😂🍆", "emoji emoji_sexual")]
    [InlineData("1️⃣", "1")]                      // keycap
    [InlineData("sc", "sc")]                     // ambiguous nickname stays
    public void Normalize_Emoji_MapToTokens(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    // ---- 9. HTML entities ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("don&apos;t tell", "dont tell")]
    [InlineData("don&#39;t", "dont")]
    [InlineData("tom &amp; jerry", "tom & jerry")]
    [InlineData("&lt;3", "< 3")]
    [InlineData("&quot;hi&quot;", "\" hi \"")]
    [InlineData("a&amp;lt;b", "a < b")]                  // double encoded
    [InlineData("&#x41;&#66;C", "abc")]
    [InlineData("&bogus; &#99999999;", "& bogus ; &# 99999999 ;")]
    public void Normalize_HtmlEntities_AreDecoded(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    // ---- 10. URLs, e-mail, handles -------------------------------------------------------------------------------

    [Theory]
    [InlineData("go to https://example.com/a?b=c now", "go to url now")]
    [InlineData("www.site.org", "url")]
    [InlineData("bit.ly/abc123", "url")]
    [InlineData("join discord.gg/xyz!", "join url !")]
    [InlineData("t.me/somebody", "url")]
    [InlineData("(snapchat.com)", "( url )")]
    [InlineData("mail me kid.name99@mail.com", "mail me email")]
    [InlineData("add @cool_guy99", "add handle")]
    [InlineData("@bob hi", "handle hi")]
    [InlineData("the end.so what", "the end . so what")]
    [InlineData("pi is 3.14", "pi is 3.14")]
    public void Normalize_WebAddressesAndHandles_BecomeTokens(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    // ---- Totality, idempotence, span overload --------------------------------------------------------------------

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("   ", "")]
    [InlineData("\u200B\u200B\u200B", "")]
    [InlineData("\0\u0001\u0007\u001B", "")]
    public void Normalize_EmptyOrInvisible_ReturnsEmpty(string? input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    [Fact]
    public void Normalize_LoneSurrogates_AreDroppedWithoutThrowing()
    {
        Assert.Equal("ab", TextNormalizer.Normalize("a\uD800b"));
        Assert.Equal("ab", TextNormalizer.Normalize("a\uDC00b\uD83D"));
        Assert.Equal("x emoji", TextNormalizer.Normalize("x\uDC00\uD83D\uDE02"));
    }

    [Fact]
    public void Normalize_OneMegabyteInput_ReturnsNormalizedText()
    {
        string word = new('a', 1 << 20);
        Assert.Equal("aa", TextNormalizer.Normalize(word));

        string mixed = string.Concat(Enumerable.Repeat("s3nd p1c 😂 é\u200B ", 60_000));
        string normalized = TextNormalizer.Normalize(mixed);
        Assert.StartsWith("send pic emoji e send pic", normalized, StringComparison.Ordinal);
        Assert.Equal(normalized, TextNormalizer.Normalize(normalized));
    }

    [Fact]
    public void Normalize_SpanOverload_MatchesStringOverload()
    {
        const string text = "Hey cutie, s3nd me a p1c on 👻 s n a p!!!";
        Assert.Equal(TextNormalizer.Normalize(text), TextNormalizer.Normalize(text.AsSpan()));
        Assert.Equal("hey cutie , send me a pic on snapchat snap !", TextNormalizer.Normalize(text));
    }

    public static TheoryData<string> IdempotenceInputs()
    {
        var data = new TheoryData<string>
        {
            "s3nd p1c", "s n a p", "\u0430dd me on sn\u0430p", "pleeeease", "𝓼𝓮𝓷𝓭 𝓹𝓲𝓬", "ur s0 m4ture 4 ur age",
            "a-b c d", "x.u r a", "x!s.n.a.p", "!@ab", "🍆 4 u", "&amp;amp;lt;", "&#38;lt;", "don&#39;t", "a_b c d",
            "s_e_n_d", "!x_y_z", "@dd @ss @bob", "hi@bob", "c a m", "s. n. a. p.", "4 4 u", "me 2 2 u",
            "ΗΕLLΟ", "Привет мир", "ꜱɴᴀᴘ", "1️⃣2️⃣", "😂 emoji_sexual 🍆", "emoji_sexual 🍆", "www.x.com/😂",
            "k\u0307\u0307\u0307", "ǅ ǈ ǋ ﬀ", "ẞ ß ΐ", "ϴ ϑ ϐ", "\u2126 \u212A \u212B", "\u2126ka", "\u2126\u0435", "\u0130\u0049\u0131",
            "x\u0301\u0302\u0303y", "\u1100\u1161\u11A8", "n̈", "s\u00ADn\u00ADa\u00ADp", "gr8 l8r m8 h8",
            "$$$ @@@ ### ...", "( ( ( ) ) )", "a . b . c", "a.b.c.d.e", "4:30 4 : 30", "1,5 1.5 1-5 1/5",
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(IdempotenceInputs))]
    public void Normalize_AppliedTwice_EqualsAppliedOnce(string input)
    {
        string once = TextNormalizer.Normalize(input);
        Assert.Equal(once, TextNormalizer.Normalize(once));
    }

    [Fact]
    public void Normalize_RandomInputs_NeverThrowAndAreIdempotent()
    {
        // Deterministic pseudo-random strings from an alphabet that mixes every rule's trigger characters.
        const string alphabet = "aeiosnpdtrxyz0134578295@$_.-,:/'!?&;#x \u200B\u00AD\u0301\u0435\u0430\u0455\u03BF"
            + "\u13AA\uFF53\u1D00\uD83D\uDE02\uD83C\uDF46\uD800\uDC00\uFE0F\t\n\u00A0ABCSNAP";
        var random = new Random(12345);
        var chars = new char[40];
        for (int round = 0; round < 3000; round++)
        {
            int length = random.Next(1, chars.Length);
            for (int i = 0; i < length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            string input = new(chars, 0, length);
            string once = TextNormalizer.Normalize(input);
            Assert.True(once == TextNormalizer.Normalize(once), $"not idempotent for {Escape(input)}: {Escape(once)}");
        }
    }

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and < '\x7F' ? c.ToString() : $"\\u{(int)c:X4}"));
}

/// <summary>A theory that only runs when SAFECHAT_SLOW_TESTS=1 (it is also tagged Category=Slow).</summary>
public sealed class SlowTheoryAttribute : TheoryAttribute
{
    public SlowTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("SAFECHAT_SLOW_TESTS") != "1")
        {
            Skip = "Slow: set SAFECHAT_SLOW_TESTS=1 to run.";
        }
    }
}

public class TextNormalizerFuzzTests
{
    [SlowTheory]
    [Trait("Category", "Slow")]
    [InlineData(1, 200_000)]
    [InlineData(2, 200_000)]
    [InlineData(3, 200_000)]
    public void Normalize_ManyRandomInputs_AreIdempotent(int seed, int rounds)
    {
        string[] alphabets =
        [
            "aeiosnpdtrxyz0134578295@$_.-,:/'!?&;# ",
            "ab01 _-.\u0430\u0435\u043E\u0440\u0441\u0455\u0456\u03BF\u03B1\u0391\u0397\u03A9\u13AA\uAB70\u1D00\u0131I",
            "a4u2 me you ur snap\uD83C\uDF46\uD83D\uDE02\uD83D\uDC7B@$:&#;lt amp x0 \u0301\u200B\uFE0F",
            "&amp;lt;gt;#39;x41;quot;apos; a b",
            "www.com/x@y.net t.me bit.ly :/?# ab12",
        ];
        var random = new Random(seed);
        var chars = new char[30];
        for (int round = 0; round < rounds; round++)
        {
            string alphabet = alphabets[round % alphabets.Length];
            int length = random.Next(1, chars.Length);
            for (int i = 0; i < length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            string input = new(chars, 0, length);
            string once = TextNormalizer.Normalize(input);
            string twice = TextNormalizer.Normalize(once);
            Assert.True(once == twice, $"not idempotent for [{Escape(input)}]: [{Escape(once)}] -> [{Escape(twice)}]");
        }
    }

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and < '\x7F' ? c.ToString() : $"\\u{(int)c:X4}"));
}
