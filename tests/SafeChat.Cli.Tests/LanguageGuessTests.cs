namespace SafeChat.Cli.Tests;

public sealed class LanguageGuessTests
{
    [Theory]
    [InlineData("hey how are you doing today? i just got home from school", "en")]
    [InlineData("hola que tal, cuántos años tienes? yo tengo 15 y tu", "es")]
    [InlineData("hallo, wie alt bist du? ich bin 14 und du", "de")]
    [InlineData("hoi, hoe oud ben je? ik ben 13 en jij", "nl")]
    [InlineData("kya kar rahe ho yaar? mujhe bhi batao na, tum kaha ho", "hi-en")]
    [InlineData("Schön, dass du da bist, aber ich muss jetzt los", "de")]
    public void Identify_TypicalChat_ReturnsItsLanguage(string text, string expected)
    {
        Assert.Equal(expected, LanguageGuess.Identify([text]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("gg")]
    [InlineData("9")]
    [InlineData("😂😂")]
    public void Identify_TooLittleText_IsUndetermined(string text)
    {
        Assert.Equal(LanguageGuess.Undetermined, LanguageGuess.Identify([text]));
    }

    [Fact]
    public void Identify_SeveralMessages_CountsThemTogether()
    {
        Assert.Equal("nl", LanguageGuess.Identify(["hoi", "wat doe je", "ik ben thuis"]));
    }
}
