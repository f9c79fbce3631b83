using System.Text;
using SafeChat.Policies;

namespace SafeChat.Core.Tests.Policies;

/// <summary>Issue 10: every bad policy file is a <see cref="PolicyValidationException"/> with file:line:column, never a crash.</summary>
public class PolicyHostileInputTests
{
    private static string Policy(string cooldowns = "\"24h\"", string nudge = "\"Careful.\"") => $$"""
        {
          "id": "hostile",
          "cooldowns": { "escalate": {{cooldowns}} },
          "rules": [
            { "id": "nudge", "when": { "risk": { "harm": "grooming", "min": 0.5 } }, "actions": [{ "action": "warn-recipient", "nudge": {{nudge}} }] }
          ]
        }
        """;

    private static PolicyError SingleError(string json)
    {
        var ex = Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse(json, "hostile.json"));
        return Assert.Single(ex.Errors);
    }

    [Theory]
    [InlineData("\"999999999d\"")]
    [InlineData("\"99999999999999999999999999d\"")]
    [InlineData("\"106751991d1d\"")]
    [InlineData("\"367d\"")]
    [InlineData("\"8784h1s\"")]
    public void Parse_DurationBeyondTheMaximum_IsAValidationErrorWithItsPosition(string duration)
    {
        var error = SingleError(Policy(cooldowns: duration));

        Assert.Equal("cooldowns.escalate", error.Path);
        Assert.Equal(3, error.Line);
        Assert.Contains("longer than the maximum duration of 366d", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DurationAtTheMaximum_Loads()
    {
        Assert.Equal(TimeSpan.FromDays(366), PolicyLoader.Parse(Policy(cooldowns: "\"366d\""), "ok.json").Cooldowns.Escalate);
    }

    [Theory]
    [InlineData("\"\u0661\u0660m\"")] // Arabic-Indic digits are digits to char.IsDigit, not to int.Parse
    [InlineData("\"１０m\"")]
    public void Parse_DurationWithNonAsciiDigits_IsNotADuration(string duration)
    {
        var error = SingleError(Policy(cooldowns: duration));

        Assert.Contains("is not a duration", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"be careful \\udc00\"")]
    [InlineData("\"\\udc00\\ud800\"")]
    public void Parse_LoneSurrogateEscapeInAString_IsAValidationErrorWithItsPosition(string nudge)
    {
        var error = SingleError(Policy(nudge: nudge));

        Assert.Equal(5, error.Line);
        Assert.Contains("lone surrogate escape", error.Reason, StringComparison.Ordinal);
        Assert.Matches(@"^hostile\.json:5:\d+: \(json\): lone surrogate", error.ToString());
    }

    [Fact]
    public void Parse_LoneSurrogateEscapeInAKey_IsAValidationError()
    {
        var error = SingleError("{\n  \"id\": \"x\",\n  \"\\ud800\": 1\n}");

        Assert.Equal((3, 3), (error.Line, error.Column));
        Assert.Contains("lone surrogate escape", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RawUnpairedSurrogateInTheText_IsAValidationErrorNotAReplacementCharacter()
    {
        var error = SingleError(Policy(nudge: "\"care\ud800ful\""));

        Assert.Equal(5, error.Line);
        Assert.Contains("unpaired surrogate", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_InvalidUtf8_IsAnErrorNamingLineAndColumn()
    {
        var path = Path.Combine(Path.GetTempPath(), $"safechat-bad-utf8-{Guid.NewGuid():N}.json");
        var text = Encoding.UTF8.GetBytes(Policy(nudge: "\"Caré X\""));
        var x = Array.LastIndexOf(text, (byte)'X');
        text[x] = 0xFF;
        File.WriteAllBytes(path, text);
        try
        {
            var ex = Assert.Throws<PolicyValidationException>(() => PolicyLoader.LoadFile(path));

            var error = Assert.Single(ex.Errors);
            Assert.Equal("(file)", error.Path);
            Assert.Equal(5, error.Line);
            var lineStart = Array.LastIndexOf(text, (byte)'\n', x) + 1;
            Assert.Equal(Encoding.UTF8.GetCharCount(text, lineStart, x - lineStart) + 1, error.Column);
            Assert.Contains("invalid UTF-8 (byte 0xFF", error.Reason, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0xAF })]             // overlong '/'
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]       // encoded surrogate
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // above U+10FFFF
    [InlineData(new byte[] { 0xE2, 0x82 })]             // truncated
    public void LoadFile_InvalidUtf8Sequences_AreErrors(byte[] bad)
    {
        var path = Path.Combine(Path.GetTempPath(), $"safechat-bad-utf8-{Guid.NewGuid():N}.json");
        var prefix = Encoding.UTF8.GetBytes("{\"id\":\"x\",\"description\":\"");
        File.WriteAllBytes(path, [.. prefix, .. bad, .. "\"}"u8.ToArray()]);
        try
        {
            var error = Assert.Single(Assert.Throws<PolicyValidationException>(() => PolicyLoader.LoadFile(path)).Errors);

            Assert.Equal((1, prefix.Length + 1), (error.Line, error.Column));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadFile_ValidUtf8WithBom_LoadsWithTheSameVersionAsWithout()
    {
        var path = Path.Combine(Path.GetTempPath(), $"safechat-bom-{Guid.NewGuid():N}.json");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Policy(nudge: "\"Pass auf dich auf 👀\""))]);
        try
        {
            Assert.Equal(PolicyLoader.Parse(Policy(nudge: "\"Pass auf dich auf 👀\""), "x").Version, PolicyLoader.LoadFile(path).Version);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_ControlAndBidiCharactersInAKey_AreEscapedInTheError()
    {
        var ex = Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse("{\"id\":\"x\",\"\\u001b]0;owned\\u0007\\r\\u202e\": 1}", "p.json"));

        var message = ex.Message;
        Assert.Contains("\\u001B]0;owned\\u0007\\u000D\\u202E", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', message);
        Assert.DoesNotContain('\r', message);
        Assert.DoesNotContain('\u202e', message);
        Assert.DoesNotContain('\u001b', ex.Errors[0].Path);
    }

    [Fact]
    public void Parse_RawControlCharacterInAValue_IsEscapedInTheError()
    {
        var ex = Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse("{\"id\":\"x\",\"cooldowns\":{\"warn\":\"1\\u001b[2J\"}}", "p.json"));

        Assert.Contains("'1\\u001B[2J' is not a duration", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', ex.Message);
    }

    [Fact]
    public void Parse_LongUnknownKey_IsCutInTheError()
    {
        var key = new string('k', 10_000);

        var ex = Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse($"{{\"id\":\"x\",\"{key}\":1}}", "p.json"));

        Assert.True(ex.Message.Length < 600, $"{ex.Message.Length} chars");
    }

    [Fact]
    public void Parse_InvalidLiteral_DoesNotEchoTheRestOfTheFileWithoutLimit()
    {
        var ex = Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse("{\"id\": tx" + new string('x', 5000) + "}", "p.json"));

        Assert.True(ex.Message.Length < 400, $"{ex.Message.Length} chars");
    }

    [Fact]
    public void PolicyError_ToString_EscapesControlCharactersFromAnySource()
    {
        var error = new PolicyError("a\u001bb.json", 1, 2, "rules[0].\u202eid", "bad\rvalue");

        Assert.Equal("a\\u001Bb.json:1:2: rules[0].\\u202Eid: bad\\u000Dvalue", error.ToString());
    }
}
