using System.Text;
using System.Text.Json;

namespace SafeChat.Cli.Tests;

public class TuneCommandTests
{
    [Fact]
    public async Task Tune_TargetFpr_WritesAPolicyThatValidatesAndMeetsTheTargetWhenScoredAgain()
    {
        var gold = await CliRunner.WriteTempAsync("hand.jsonl", Encoding.UTF8.GetBytes(EvalCommandTests.HandGold + "\n"));
        var tuned = Path.Combine(Path.GetDirectoryName(gold)!, "tuned.json");

        var tune = await new CliRunner().RunAsync(["tune", gold, "--target-fpr", "0.25", "-o", tuned]);

        Assert.True(tune.ExitCode == 0, tune.Stderr);
        Assert.Contains("target: FPR <= 25% (at most 1 of 4 benign conversations alerting)", tune.Stdout);
        Assert.Contains("grooming: child 0.5 -> ", tune.Stdout);
        Assert.Contains("gives up", tune.Stdout);
        var validate = await new CliRunner().RunAsync(["policy", "validate", tuned]);
        Assert.Equal(0, validate.ExitCode);
        Assert.StartsWith($"ok: {tuned}: policy strict-minors@", validate.Stdout);

        var eval = await new CliRunner().RunAsync(["eval", gold, "--policy", tuned, "--json"]);

        Assert.True(eval.ExitCode == 0, eval.Stderr);
        var rows = eval.Results.Single().GetProperty("rows").EnumerateArray().ToArray();
        var any = rows.Single(r => r.GetProperty("slice").GetString() == "all" && r.GetProperty("harm").GetString() == "any");
        Assert.InRange(any.GetProperty("fpr").GetDouble(), 0, 0.25);
        // The strict-minors thresholds (grooming 0.7, sextortion 0.6 for unknown ages) miss p3 (0.5) and p4 (0.5);
        // the tuned ones catch every harmful conversation for one benign alert (n1).
        Assert.Equal(1.0, any.GetProperty("recall").GetDouble(), 12);
        Assert.Equal(1, any.GetProperty("fp").GetInt32());
        var thresholds = JsonDocument.Parse(await File.ReadAllTextAsync(tuned)).RootElement.GetProperty("thresholds");
        // Grooming: benign risks .75, .25 and one may alert: the cut sits just above .25. Sextortion: n4 (.25) must not
        // alert too (the two harms share the one benign alert), so the cut sits just above .25 as well.
        Assert.Equal(0.26, thresholds.GetProperty("grooming").GetProperty("unknown").GetDouble(), 6);
        Assert.Equal(0.2501, thresholds.GetProperty("sextortion").GetProperty("unknown").GetDouble(), 6);
    }

    [Fact]
    public async Task Tune_FewBenignConversationsForTheTarget_WarnsWithTheConfidenceBound()
    {
        var gold = await CliRunner.WriteTempAsync("hand.jsonl", Encoding.UTF8.GetBytes(EvalCommandTests.HandGold + "\n"));
        var tuned = Path.Combine(Path.GetDirectoryName(gold)!, "tuned.json");

        var run = await new CliRunner().RunAsync(["tune", gold, "--target-fpr", "0.01", "-o", tuned]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("warning: 4 benign conversations are too few to show an FPR of 1%", run.Stdout);
        Assert.Contains("Label at least 300 benign conversations", run.Stdout);
        var eval = await new CliRunner().RunAsync(["eval", gold, "--policy", tuned, "--json"]);
        var any = eval.Results.Single().GetProperty("rows").EnumerateArray().First();
        Assert.Equal(0, any.GetProperty("fp").GetInt32());
    }

    [Fact]
    public async Task Tune_TargetPrecision_KeepsPrecisionAtLeastTheTarget()
    {
        var gold = await CliRunner.WriteTempAsync("hand.jsonl", Encoding.UTF8.GetBytes(EvalCommandTests.HandGold + "\n"));
        var tuned = Path.Combine(Path.GetDirectoryName(gold)!, "tuned.json");

        var run = await new CliRunner().RunAsync(["tune", gold, "--target-fpr", "0.5", "--target-precision", "1", "-o", tuned]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var eval = await new CliRunner().RunAsync(["eval", gold, "--policy", tuned, "--json"]);
        foreach (var row in eval.Results.Single().GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("harm").GetString() != "any"))
        {
            Assert.Equal(0, row.GetProperty("fp").GetInt32());
        }
    }

    [Fact]
    public async Task Tune_WithoutOutput_IsAUsageError()
    {
        var run = await new CliRunner().RunAsync(["tune", "gold.jsonl"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--output", run.Stderr);
        Assert.Contains("usage: safechat tune GOLD -o FILE", run.Stderr);
    }
}
