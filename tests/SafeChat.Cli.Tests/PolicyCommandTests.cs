using System.Text;

namespace SafeChat.Cli.Tests;

public class PolicyCommandTests
{
    [Theory]
    [InlineData("strict-minors")]
    [InlineData("standard")]
    public async Task PolicyValidate_Preset_Succeeds(string preset)
    {
        var run = await new CliRunner().RunAsync(["policy", "validate", preset]);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith($"ok: {preset}: policy {preset}@", run.Stdout);
    }

    [Fact]
    public async Task PolicyValidate_UnknownKeyOnLineThree_NamesFileAndLine()
    {
        var json = "{\n  \"id\": \"custom\",\n  \"colour\": \"blue\",\n  \"rules\": []\n}\n";
        var path = await CliRunner.WriteTempAsync("bad-policy.json", Encoding.UTF8.GetBytes(json));

        var run = await new CliRunner().RunAsync(["policy", "validate", path]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"{path}:3:", run.Stderr);
        Assert.Contains("colour", run.Stderr);
    }

    [Fact]
    public async Task PolicyValidate_MissingArgument_IsAUsageError()
    {
        var run = await new CliRunner().RunAsync(["policy", "validate"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("usage: safechat policy validate", run.Stderr);
    }

    [Fact]
    public async Task Score_StrictMinorsOnPrivateRoomWithAdultAndThirteenYearOld_BlocksNamingTheRule()
    {
        var runner = new CliRunner { Policy = DefaultPolicy.Load("strict-minors") };
        var line = """
            {"id":"p1","participants":[{"id":"adult1","age":34},{"id":"kid1","age":13}],"room":{"id":"r1","kind":"private"},"messages":[{"author":"adult1","text":"hey wanna play"},{"author":"kid1","text":"ok"}]}
            """;

        var run = await runner.RunAsync(["score", "--policy", "strict-minors", "-"], Encoding.UTF8.GetBytes(line + "\n"));

        Assert.Equal(0, run.ExitCode);
        var decisions = run.Results.Single().GetProperty("decisions").EnumerateArray().ToArray();
        Assert.Contains(decisions, d =>
            d.GetProperty("action").GetString() is "block" or "deny-join"
            && !string.IsNullOrEmpty(d.GetProperty("rule").GetString()));
        Assert.Equal("strict-minors", runner.LoadedPolicy);
    }
}
