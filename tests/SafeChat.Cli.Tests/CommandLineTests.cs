using System.Text;

namespace SafeChat.Cli.Tests;

public class CommandLineTests
{
    [Theory]
    [InlineData("score", "--model", "--policy", "--skip-invalid")]
    [InlineData("eval", "--policy", "--reviews", "--target-fpr", "--json", "--predictions", "--model", "--skip-invalid")]
    [InlineData("tune", "--output", "--target-fpr", "--target-precision", "--base", "--reviews", "--model")]
    [InlineData("explain", "--id", "--show-text", "--policy", "--model")]
    [InlineData("report", "--output", "--policy", "--reviews", "--show-text", "--target-fpr", "--model")]
    public async Task Help_EveryCommand_DescribesEachOption(string command, params string[] options)
    {
        var run = await new CliRunner().RunAsync([command, "--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Stdout);
        Assert.Contains($" {command} <", run.Stdout);
        foreach (var option in options)
        {
            var line = run.StdoutLines.SingleOrDefault(l => l.TrimStart().StartsWith(option, StringComparison.Ordinal) || l.Contains(", " + option, StringComparison.Ordinal));
            Assert.True(line is not null, $"{command} --help lacks {option}:\n{run.Stdout}");
            var description = line[(line.IndexOf(option, StringComparison.Ordinal) + option.Length)..].Trim();
            Assert.True(description.Length > 20 || run.Stdout.Contains(line + "\n ", StringComparison.Ordinal), $"{option} has no description: '{line}'");
        }
    }

    [Fact]
    public async Task Help_PolicyCommand_ListsItsSubcommands()
    {
        var run = await new CliRunner().RunAsync(["policy", "--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("validate", run.Stdout);
        Assert.Contains("list", run.Stdout);
        Assert.Contains("show", run.Stdout);
    }

    [Fact]
    public async Task Eval_TargetFprNotANumber_IsAUsageErrorNamingTheValue()
    {
        var run = await new CliRunner().RunAsync(["eval", "gold.jsonl", "--target-fpr", "lots"]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: --target-fpr: cannot use 'lots'", run.Stderr);
    }

    [Fact]
    public async Task Train_MovedToItsOwnTool_PointsToSafechatTrain()
    {
        var run = await new CliRunner().RunAsync(["train", "--out", "models"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["error: training moved to the separate 'safechat-train' tool: run 'safechat-train --help'."], run.StderrLines);
    }

    [Fact]
    public async Task PolicyList_ListsThePresetsWithTheDefaultMarked()
    {
        var run = await new CliRunner().RunAsync(["policy", "list"]);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("strict-minors (default)\t17 rules\t", run.StdoutLines[0]);
        Assert.StartsWith("standard\t", run.StdoutLines[1]);
    }

    [Fact]
    public async Task PolicyShow_Preset_PrintsJsonThatValidatesAsAFile()
    {
        var run = await new CliRunner().RunAsync(["policy", "show", "standard"]);

        Assert.Equal(0, run.ExitCode);
        var path = await CliRunner.WriteTempAsync("standard.json", Encoding.UTF8.GetBytes(run.Stdout));
        var validate = await new CliRunner().RunAsync(["policy", "validate", path]);
        Assert.Equal(0, validate.ExitCode);
        Assert.StartsWith($"ok: {path}: policy standard@", validate.Stdout);
    }

    [Fact]
    public async Task PolicyShow_UnknownPreset_FailsListingTheKnownOnes()
    {
        var run = await new CliRunner().RunAsync(["policy", "show", "lenient"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: unknown preset 'lenient' (known: strict-minors, standard)", run.Stderr);
    }

    [Fact]
    public async Task Policy_WithoutSubcommand_IsAUsageErrorNamingThem()
    {
        var run = await new CliRunner().RunAsync(["policy"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error: 'policy' needs a subcommand: validate, list, show.", run.Stderr);
    }

    [Fact]
    public void ProgressBar_Terminal_DrawsTheBarAndClearsItAtTheEnd()
    {
        using var writer = new StringWriter();
        using (var bar = new ProgressBar(writer, "scoring", 4, TimeProvider.System))
        {
            using var sink = new LineCountingStream(Stream.Null, bar);
            sink.Write("a\nb\n"u8);
            Assert.Contains("scoring [###############...............]  50% 2/4", writer.ToString());
            sink.Write("c\nd\n"u8);
            Assert.Contains("100% 4/4", writer.ToString());
        }

        Assert.EndsWith("\r", writer.ToString());
    }

    [Fact]
    public void ProgressBar_NotATerminal_StaysQuiet()
    {
        using var bar = new ProgressBar(null, "scoring", 10, TimeProvider.System);

        bar.Advance(5);

        Assert.False(bar.IsVisible);
    }
}
