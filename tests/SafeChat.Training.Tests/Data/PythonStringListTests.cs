using SafeChat.Training.Data;

namespace SafeChat.Training.Tests.Data;

public sealed class PythonStringListTests
{
    [Fact]
    public void Parse_MixedQuotesAndEscapes_ReturnsPythonsStrings()
    {
        var parsed = PythonStringList.Parse("""['hey', "it's me", 'a\'b', "say \"hi\"", 'tab\there', 'caf\xe9', '\u00fcber', 'back\\slash', 'keep \d']""");

        Assert.Equal(["hey", "it's me", "a'b", "say \"hi\"", "tab\there", "café", "über", "back\\slash", "keep \\d"], parsed);
    }

    [Theory]
    [InlineData("[]", 0)]
    [InlineData("  [ 'a' , 'b' , ]  ", 2)]
    public void Parse_EmptyAndTrailingComma_AreAccepted(string literal, int count)
    {
        Assert.Equal(count, PythonStringList.Parse(literal).Count);
    }

    [Theory]
    [InlineData("['a'")]
    [InlineData("['a' 'b']")]
    [InlineData("[1, 2]")]
    [InlineData("['unterminated]")]
    [InlineData("['a'] trailing")]
    [InlineData("['\\x4']")]
    public void Parse_Malformed_ThrowsFormatException(string literal)
    {
        Assert.Throws<FormatException>(() => PythonStringList.Parse(literal));
    }
}
