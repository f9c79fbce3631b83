using SafeChat.Inference.Text;

namespace SafeChat.Inference.Tests.Text;

/// <summary>Leetspeak that must decode, look-alike tokens that must not, and accents of es/de/nl/hi-en chat.</summary>
public sealed class TextNormalizerLanguageTests
{
    [Theory]
    [InlineData("4dd m3 0n sn4p", "add me on snap")]
    [InlineData("s3nd m3 4 p1c", "send me a pic")]
    [InlineData("n00dz", "noodz")]
    [InlineData("$nap", "snap")]
    [InlineData("add me on $nap", "add me on snap")]
    [InlineData("s3nd n00d5", "send noods")]
    [InlineData("wh47s ur 4g3", "whats ur age")]
    [InlineData("m4nd4me f0t0s", "mandame fotos")]
    [InlineData("sch1ck m1r n4ckt f0t0s", "schick mir nackt fotos")]
    public void Normalize_DigitForLetterLeetspeak_IsDecoded(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData("im 13", "im 13")]
    [InlineData("13yo", "13yo")]
    [InlineData("see u at 9pm", "see u at 9pm")]
    [InlineData("at 10:30", "at 10:30")]
    [InlineData("its $300", "its $300")]
    [InlineData("20 bucks", "20 bucks")]
    [InlineData("we won 3-1", "we won 3-1")]
    [InlineData("obbyking99", "obbyking99")]
    [InlineData("gg obbyking99 3-1", "gg obbyking99 3-1")]
    [InlineData("9", "9")]
    [InlineData("user4412", "user4412")]
    [InlineData("id 8841203", "id 8841203")]
    public void Normalize_NumbersIdsAgesTimesPricesScores_StayAsWritten(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData("¿Cuántos años tienes?", "¿ cuantos anos tienes ?")]
    [InlineData("mañana", "manana")]
    [InlineData("Schön, dass du süß bist", "schon , dass du suss bist")]
    [InlineData("Straße", "strasse")]
    [InlineData("STRAẞE", "strasse")]
    [InlineData("één foto", "een foto")]
    [InlineData("ｎｉｃｈｔ", "nicht")]
    [InlineData("n\u0456cht", "nicht")] // Cyrillic і in a Latin word
    [InlineData("Über", "uber")]
    public void Normalize_AccentsAndLookalikes_FoldSoTokensMatch(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData("cuántos años tienes", "cuantos anos tienes")]
    [InlineData("süß", "suss")]
    public void Normalize_AccentedAndPlainSpelling_GiveTheSameTokens(string accented, string plain)
    {
        Assert.Equal(TextNormalizer.Normalize(plain), TextNormalizer.Normalize(accented));
    }
}
