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
        // strict-minors' "model" thresholds are read at the test scorer's alert threshold (grooming 0.75).
        Assert.Contains("grooming: child 0.75 -> ", tune.Stdout);
        Assert.Contains("gives up", tune.Stdout);
        var validate = await new CliRunner().RunAsync(["policy", "validate", tuned]);
        Assert.Equal(0, validate.ExitCode);
        Assert.StartsWith($"ok: {tuned}: policy strict-minors@", validate.Stdout);

        var eval = await new CliRunner().RunAsync(["eval", gold, "--policy", tuned, "--json"]);

        Assert.True(eval.ExitCode == 0, eval.Stderr);
        var rows = eval.Results.Single().GetProperty("rows").EnumerateArray().ToArray();
        var any = rows.Single(r => r.GetProperty("slice").GetString() == "all" && r.GetProperty("harm").GetString() == "any");
        Assert.InRange(any.GetProperty("fpr").GetDouble(), 0, 0.25);
        // The strict-minors thresholds (the test scorer's alert levels, grooming 0.75 and sextortion 0.5) are the starting point;
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

    [Fact]
    public async Task Tune_BandsWithEnoughData_GetTheirOwnNonDecreasingThresholds()
    {
        // Child band (an adult and a 12-year-old): 30 benign at risk .25, 3 at .5, 5 grooming at .75.
        // Adult band (two verified adults): 30 benign at .5, 3 at .75, 5 grooming at 1.0. Target FPR 10%: 3 of 33 per band.
        var lines = new List<string>();
        var n = 0;
        void Add(string label, bool child, params string[] markers)
        {
            var people = child
                ? """[{"id":"a","age":30,"age_assurance":"verified"},{"id":"b","age":12}]"""
                : """[{"id":"a","age":30,"age_assurance":"verified"},{"id":"b","age":40,"age_assurance":"verified"}]""";
            var messages = string.Join(",", markers.Select(m => $$"""{"author":"a","text":"[{{m}}]"}"""));
            lines.Add($$"""{"id":"c{{n++}}","label":"{{label}}","participants":{{people}},"messages":[{{messages}}]}""");
        }

        for (var i = 0; i < 30; i++)
        {
            Add("benign", true, "flattery");
            Add("benign", false, "flattery", "gifts");
        }

        for (var i = 0; i < 3; i++)
        {
            Add("benign", true, "flattery", "gifts");
            Add("benign", false, "flattery", "gifts", "secrecy");
        }

        for (var i = 0; i < 5; i++)
        {
            Add("grooming", true, "flattery", "gifts", "secrecy");
            Add("grooming", false, "flattery", "gifts", "secrecy", "meeting");
        }

        var gold = await CliRunner.WriteTempAsync("bands.jsonl", Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));
        var tuned = Path.Combine(Path.GetDirectoryName(gold)!, "tuned.json");

        var run = await new CliRunner().RunAsync(["tune", gold, "--target-fpr", "0.1", "-o", tuned]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("(own threshold: child, adult; pooled: the rest)", run.Stdout);
        var grooming = JsonDocument.Parse(await File.ReadAllTextAsync(tuned)).RootElement.GetProperty("thresholds").GetProperty("grooming");
        Assert.Equal(0.26, grooming.GetProperty("child").GetDouble(), 6);
        // Teen and unknown have no data: the pooled threshold (above the 33 benign at .5), never below child's.
        Assert.Equal(0.51, grooming.GetProperty("teen").GetDouble(), 6);
        Assert.Equal(0.51, grooming.GetProperty("unknown").GetDouble(), 6);
        Assert.Equal(0.51, grooming.GetProperty("adult").GetDouble(), 6);
        Assert.Contains("any harm: 6 of 66 benign conversations alert", run.Stdout);
    }
}
