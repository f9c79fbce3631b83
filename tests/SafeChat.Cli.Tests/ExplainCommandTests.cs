using System.Text;

namespace SafeChat.Cli.Tests;

public class ExplainCommandTests
{
    private const string Input = """
        {"id":"other","messages":[{"author":"x","text":"hello"}]}
        {"id":"c-9","participants":[{"id":"adult1","age":34},{"id":"kid1","age":12}],"room":{"id":"r","kind":"direct"},"messages":[{"author":"adult1","text":"hi there [age_probe]"},{"author":"kid1","text":"hi"},{"author":"adult1","text":"our secret ok [secrecy]"},{"author":"adult1","text":"got you a gift [gifts]"}]}
        """;

    [Fact]
    public async Task Explain_Conversation_ShowsRiskSignalsAuthorsAndTheFirstAlertWithoutText()
    {
        var input = await CliRunner.WriteTempAsync("in.jsonl", Encoding.UTF8.GetBytes(Input + "\n"));

        var run = await new CliRunner().RunAsync(["explain", input, "--id", "c-9"]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = run.StdoutLines;
        Assert.Contains($"conversation c-9 ({input}:2): 4 messages", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("#0   adult1", StringComparison.Ordinal) && l.Contains("grooming 0.250", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("signals: age_probe 0.90 (grooming, points to adult1)", StringComparison.Ordinal));
        var alert = Array.FindIndex(lines, l => l.Contains("<< FIRST ALERT", StringComparison.Ordinal));
        Assert.StartsWith("#3   adult1", lines[alert]);
        Assert.Contains("grooming 0.750!", lines[alert]);
        Assert.Contains(lines, l => l.Contains("flagged author: adult1 (grooming 0.750)", StringComparison.Ordinal));
        Assert.Equal("flagged authors: adult1", lines[^1]);
        Assert.DoesNotContain("our secret", run.Stdout);
        Assert.DoesNotContain("text:", run.Stdout);
    }

    [Fact]
    public async Task Explain_ShowText_PrintsEachMessageText()
    {
        var input = await CliRunner.WriteTempAsync("in.jsonl", Encoding.UTF8.GetBytes(Input + "\n"));

        var run = await new CliRunner().RunAsync(["explain", input, "--id", "c-9", "--show-text"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("     text: \"our secret ok [secrecy]\"", run.StdoutLines);
    }

    [Fact]
    public async Task Explain_WithPolicy_ShowsTheDecisionsOnTheirMessage()
    {
        var input = await CliRunner.WriteTempAsync("in.jsonl", Encoding.UTF8.GetBytes(Input + "\n"));
        var runner = new CliRunner { Policy = DefaultPolicy.Load("strict-minors") };

        var run = await runner.RunAsync(["explain", input, "--id", "c-9", "--policy", "strict-minors"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("     decision: dm-non-connected-adult-to-minor block", run.StdoutLines);
        // strict-minors escalates at the scorer's alert threshold ("model"; the test scorer's 0.75): message 3.
        var lines = run.StdoutLines;
        var escalate = Array.FindIndex(lines, l => l.StartsWith("     decision: grooming-escalate escalate (high) on grooming", StringComparison.Ordinal));
        Assert.True(escalate > 0, run.Stdout);
        Assert.StartsWith("#3 ", lines.Take(escalate).Last(l => l.StartsWith('#')));
    }

    [Fact]
    public async Task Explain_UnknownId_FailsNamingTheId()
    {
        var input = await CliRunner.WriteTempAsync("in.jsonl", Encoding.UTF8.GetBytes(Input + "\n"));

        var run = await new CliRunner().RunAsync(["explain", input, "--id", "nope"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error: {input}: no valid conversation with id 'nope'", run.Stderr);
    }

    [Fact]
    public async Task Explain_WithoutId_IsAUsageError()
    {
        var run = await new CliRunner().RunAsync(["explain", "in.jsonl"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--id", run.Stderr);
    }
}
