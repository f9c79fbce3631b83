using SafeChat.Inference.Text;

namespace SafeChat.Inference.Tests.Text;

/// <summary>Issue 10: text hidden behind bidi controls is scored as the reader sees it.</summary>
public class TextNormalizerBidiTests
{
    [Theory]
    [InlineData("\u202Ecip a em dnes", "send me a pic")]                                    // RLO to the end
    [InlineData("\u202Ecip a em dnes\u202C", "send me a pic")]                              // RLO … PDF
    [InlineData("hey \u202Epans no em dda\u202C ok", "hey add me on snap ok")]             // only the run is reversed
    [InlineData("\u202E\u202Dsend\u202C \u202Dme\u202C\u202C", "me send")]                // LTR islands keep their order
    [InlineData("\u202E\u2066pic\u2069 a em dnes", "send me a pic")]                        // an LTR isolate inside stays readable
    [InlineData("\u202Bsend me a pic\u202C", "send me a pic")]                              // RLE on Latin text shows unchanged
    [InlineData("\u2067send me\u2069 \u2068a pic\u2069", "send me a pic")]                  // isolates are removed
    [InlineData("\u202Asend\u202C \u202Dme\u202C", "send me")]                              // LRE/LRO at the base level change nothing
    [InlineData("\u202Eterces\nkeep it \u202Eterces", "secret keep it secret")]           // a new line closes every run
    [InlineData("\u202E\uD83D\uDC7B no em dda", "add me on snapchat")]                     // surrogate pairs stay whole
    [InlineData("\u202C\u202C\u2069end", "end")]                                            // unmatched closers are ignored
    public void Normalize_BidiControls_ScoreWhatTheReaderSees(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    [Fact]
    public void Normalize_RightToLeftOverride_MatchesThePlainText()
    {
        Assert.Equal(TextNormalizer.Normalize("send me a pic"), TextNormalizer.Normalize("\u202Ecip a em dnes"));
        Assert.NotEqual(TextNormalizer.Normalize("\u202Ecip a em dnes"), TextNormalizer.Normalize("cip a em dnes"));
    }

    [Fact]
    public void Normalize_RightToLeftScriptWithoutOverride_KeepsItsLogicalOrder()
    {
        Assert.Equal("שלום עולם", TextNormalizer.Normalize("שלום עולם"));
        Assert.Equal("שלום עולם", TextNormalizer.Normalize("\u2067שלום עולם\u2069"));
    }

    [Fact]
    public void Normalize_DeepAndUnbalancedNesting_NeverThrowsAndIsIdempotent()
    {
        var random = new Random(2026);
        const string alphabet = "ab c\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\n\uD83D\uDC7B\uD800\uDC00";
        for (var round = 0; round < 2000; round++)
        {
            var chars = new char[random.Next(1, 300)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            var input = new string(chars);
            var once = TextNormalizer.Normalize(input);
            Assert.Equal(once, TextNormalizer.Normalize(once));
            Assert.Equal(once, TextNormalizer.Normalize(input.AsSpan()));
        }

        var deep = string.Concat(Enumerable.Repeat("\u202E\u202D", 500)) + "send me a pic";
        Assert.Equal(TextNormalizer.Normalize(deep), TextNormalizer.Normalize(TextNormalizer.Normalize(deep)));
    }
}
