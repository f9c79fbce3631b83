namespace SafeChat.Imaging.Tests;

public class PdqHashTests
{
    private const string Sample = "f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22";

    [Fact]
    public void Parse_ThenToString_RoundTrips()
    {
        Assert.Equal(Sample, PdqHash.Parse(Sample).ToString());
        Assert.Equal(Sample, PdqHash.Parse(Sample.ToUpperInvariant()).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("f8f8")]
    [InlineData("g8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22")]
    [InlineData("+8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22")]
    public void TryParse_NotSixtyFourHexDigits_False(string text)
    {
        Assert.False(PdqHash.TryParse(text, out _));
    }

    [Fact]
    public void Bits_LowestBitIsLastHexDigit()
    {
        var hash = PdqHash.Parse(new string('0', 63) + "1");

        Assert.True(hash.GetBit(0));
        Assert.Equal(1, hash.BitCount);
        Assert.Equal(1, hash.Segment(0));
        Assert.Equal(0, hash.Segment(15));
    }

    [Fact]
    public void DistanceTo_CountsDifferingBits()
    {
        var a = PdqHash.Parse(Sample);
        var b = new PdqHash(a.W0 ^ 0b1011, a.W1, a.W2 ^ (1UL << 63), a.W3);

        Assert.Equal(4, a.DistanceTo(b));
        Assert.Equal(0, a.DistanceTo(a));
    }
}
