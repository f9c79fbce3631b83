using System.Text;
using System.Text.Json;

namespace SafeChat.Cli.Tests;

public class EvalCommandTests
{
    // Marker scorer: each distinct signal marker adds 0.25 to its author's risk; alerts at grooming 0.75, sextortion 0.5.
    internal const string HandGold = """
        {"id":"p1","label":"grooming","participants":[{"id":"a"},{"id":"b"}],"alert_by":1,"messages":[{"author":"a","text":"[age_probe]"},{"author":"b","text":"hi"},{"author":"a","text":"[secrecy]"},{"author":"a","text":"[gifts]"}]}
        {"id":"p2","label":"grooming","participants":[{"id":"a"},{"id":"b"}],"alert_by":0,"messages":[{"author":"a","text":"[age_probe]"},{"author":"b","text":"ok"},{"author":"a","text":"[flattery]"},{"author":"b","text":"hm"},{"author":"a","text":"[secrecy]"},{"author":"a","text":"[meeting]"}]}
        {"id":"p3","label":"grooming","participants":[{"id":"a"},{"id":"b"}],"alert_by":1,"messages":[{"author":"a","text":"[age_probe]"},{"author":"a","text":"[secrecy]"}]}
        {"id":"p4","label":"sextortion","participants":[{"id":"a"},{"id":"b"}],"alert_by":0,"messages":[{"author":"a","text":"[payment_demand]"},{"author":"a","text":"[threat_audience]"}]}
        {"id":"n1","label":"benign","participants":[{"id":"a"},{"id":"b"}],"messages":[{"author":"a","text":"[flattery]"},{"author":"a","text":"[gifts]"},{"author":"a","text":"[secrecy]"}]}
        {"id":"n2","label":"benign","participants":[{"id":"a"},{"id":"b"}],"messages":[{"author":"a","text":"[flattery]"}]}
        {"id":"n3","label":"benign","participants":[{"id":"a"},{"id":"b"}],"messages":[{"author":"a","text":"hello"}]}
        {"id":"n4","label":"benign","participants":[{"id":"a"},{"id":"b"}],"messages":[{"author":"a","text":"[deadline]"}]}
        """;

    // Produced once with: safechat score tests/SafeChat.Cli.Tests/Fixtures/eval-gold.jsonl > Fixtures/eval-pred.jsonl
    // (embedded models), then: python3 shared/tools/eval.py Fixtures/eval-gold.jsonl Fixtures/eval-pred.jsonl --json
    // which printed: {"n": 21, "missing": 0, "tp": 5, "fp": 0, "fn": 2, "tn": 14, "precision": 1.0,
    // "recall": 0.7142857142857143, "f1": 0.8333333333333333, "f05": 0.9259259259259259, "fpr": 0.0,
    // "early_recall": 0.7142857142857143, "ap": 0.9095238095238096, "recall_at_1pct_fpr": 0.7142857142857143}
    private const int EvalPyTp = 5, EvalPyFp = 0, EvalPyFn = 2, EvalPyTn = 14;
    private const double EvalPyPrecision = 1.0;
    private const double EvalPyRecall = 0.7142857142857143;
    private const double EvalPyF1 = 0.8333333333333333;
    private const double EvalPyF05 = 0.9259259259259259;
    private const double EvalPyFpr = 0.0;
    private const double EvalPyEarlyRecall = 0.7142857142857143;
    private const double EvalPyAp = 0.9095238095238096;
    private const double EvalPyRecallAt1PctFpr = 0.7142857142857143;

    [Fact]
    public async Task Eval_HandComputedExample_MatchesTheNumbersWorkedOutByHand()
    {
        var gold = await CliRunner.WriteTempAsync("hand.jsonl", Encoding.UTF8.GetBytes(HandGold + "\n"));

        var run = await new CliRunner().RunAsync(["eval", gold, "--json"]);

        Assert.Equal(0, run.ExitCode);
        var any = Row(run, "all", "any");
        // Alerts: p1 (msg 3), p2 (msg 4), p4 (msg 1) and n1 (msg 2); p3 stays at 0.5 < 0.75.
        AssertCounts(any, tp: 3, fp: 1, fn: 1, tn: 3);
        Assert.Equal(0.75, any.GetProperty("precision").GetDouble(), 12);
        Assert.Equal(0.75, any.GetProperty("recall").GetDouble(), 12);
        Assert.Equal(0.75, any.GetProperty("f1").GetDouble(), 12);
        Assert.Equal(0.75, any.GetProperty("f05").GetDouble(), 12);
        Assert.Equal(0.25, any.GetProperty("fpr").GetDouble(), 12);
        // Ranking by risk, benign first on ties: p2 1.0 | n1 .75, p1 .75 | p3 .5, p4 .5 | n2 .25, n4 .25 | n3 0.
        // AP = (1/1 + 2/3 + 3/4 + 4/5) / 4 = 193/240.
        Assert.Equal(193.0 / 240, any.GetProperty("ap").GetDouble(), 12);
        // Target FPR 1% of 4 benign: k = 0, the threshold is the top benign risk 0.75; only p2 is above it.
        Assert.Equal(0.25, any.GetProperty("recall_at_target_fpr").GetDouble(), 12);
        // In time (first alert <= alert_by + 2): p1 (3 <= 3) and p4 (1 <= 2); p2 (4 > 2) and p3 (no alert) not.
        Assert.Equal(0.5, any.GetProperty("early_recall").GetDouble(), 12);
        // Latencies of the true positives (messages read): 4, 5, 2; median 4. penalty(4) = -1 + 2/(1+e^(-3p)) = tanh(3p/2).
        var p = Math.Log(3) / 89;
        var speed = 1 - Math.Tanh(3 * p / 2);
        Assert.Equal(4.0, any.GetProperty("median_latency").GetDouble(), 12);
        Assert.Equal(speed, any.GetProperty("speed").GetDouble(), 12);
        Assert.Equal(0.9815, any.GetProperty("speed").GetDouble(), 4);
        Assert.Equal(0.75 * speed, any.GetProperty("f_latency").GetDouble(), 12);

        var grooming = Row(run, "all", "grooming");
        // p1, p2, p3 against the four benign ones (p4 is left out of the grooming row).
        AssertCounts(grooming, tp: 2, fp: 1, fn: 1, tn: 3);
        Assert.Equal(2.0 / 3, grooming.GetProperty("precision").GetDouble(), 12);
        var sextortion = Row(run, "all", "sextortion");
        // n1 alerted, but for grooming: its sextortion risk is 0.
        AssertCounts(sextortion, tp: 1, fp: 0, fn: 0, tn: 4);
        Assert.Equal(1.0, sextortion.GetProperty("early_recall").GetDouble(), 12);
    }

    [Fact]
    public async Task Eval_FixtureScoredByTheEmbeddedModels_MatchesEvalOfTheScoreOutput()
    {
        // eval scores the gold file through the same pipeline as score; evaluating score's own output with
        // --predictions must give the very same report. (Agreement with eval.py is checked on a committed prediction
        // file below, so that it does not move whenever the shipped models are retrained.)
        var app = new CliApplication(DefaultScorer.Create, DefaultPolicy.Load, TimeProvider.System) { ShowProgress = false };
        using var fresh = new MemoryStream();
        using var freshError = new StringWriter();
        var exit = await app.RunAsync(["eval", CliRunner.Fixture2("eval-gold.jsonl"), "--json"], new MemoryStream(), fresh, freshError, CancellationToken.None);
        Assert.True(exit == 0, freshError.ToString());

        var predictions = Path.Combine(Path.GetTempPath(), $"safechat-eval-{Guid.NewGuid():N}.jsonl");
        try
        {
            await using (var scored = File.Create(predictions))
            {
                using var scoreError = new StringWriter();
                var scoreExit = await app.RunAsync(["score", CliRunner.Fixture2("eval-gold.jsonl")], new MemoryStream(), scored, scoreError, CancellationToken.None);
                Assert.True(scoreExit == 0, scoreError.ToString());
            }

            using var fromFile = new MemoryStream();
            using var fileError = new StringWriter();
            exit = await app.RunAsync(["eval", CliRunner.Fixture2("eval-gold.jsonl"), "--predictions", predictions, "--json"], new MemoryStream(), fromFile, fileError, CancellationToken.None);
            Assert.True(exit == 0, fileError.ToString());
            Assert.Equal(Encoding.UTF8.GetString(fromFile.ToArray()), Encoding.UTF8.GetString(fresh.ToArray()));
        }
        finally
        {
            File.Delete(predictions);
        }
    }

    [Fact]
    public async Task Eval_PredictionsFromAFile_AgreesWithEvalPy()
    {
        var run = await new CliRunner().RunAsync(["eval", CliRunner.Fixture2("eval-gold.jsonl"), "--predictions", CliRunner.Fixture2("eval-pred.jsonl"), "--json"]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        AssertMatchesEvalPy(run);
    }

    [Fact]
    public async Task Eval_GoldWithSourceAndLanguage_ReportsASliceForEach()
    {
        var run = await new CliRunner().RunAsync(["eval", CliRunner.Fixture2("eval-gold.jsonl"), "--predictions", CliRunner.Fixture2("eval-pred.jsonl"), "--json"]);

        var slices = Rows(run).Select(r => r.GetProperty("slice").GetString()!).Distinct().ToArray();
        Assert.Equal(["all", "source=handwritten", "source=synthetic", "language=en", "language=es"], slices);
        // Spanish: g3 and s3 are missed, b5 and b12 are quiet.
        AssertCounts(Row(run, "language=es", "any"), tp: 0, fp: 0, fn: 2, tn: 2);
    }

    [Fact]
    public async Task Eval_Table_PrintsOneLinePerSliceAndHarm()
    {
        var gold = await CliRunner.WriteTempAsync("hand.jsonl", Encoding.UTF8.GetBytes(HandGold + "\n"));

        var run = await new CliRunner().RunAsync(["eval", gold]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("alerts: engine alerts (grooming >= 0.75, livestream_coercion >= 0.5, sextortion >= 0.5, trafficking >= 0.5)", run.Stdout);
        Assert.Contains(run.StdoutLines, l => l.StartsWith("all    any ", StringComparison.Ordinal) && l.Contains("0.750", StringComparison.Ordinal));
        Assert.Contains(run.StdoutLines, l => l.StartsWith("all    grooming", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Eval_ReviewsFlipLabels_ConfirmedBecomesPositiveAndFalsePositiveNegative()
    {
        var gold = await CliRunner.WriteTempAsync("hand.jsonl", Encoding.UTF8.GetBytes(HandGold + "\n"));
        var reviews = await CliRunner.WriteTempAsync("reviews.jsonl", Encoding.UTF8.GetBytes("""
            {"conversation_id":"n1","harm":"grooming","decision":"confirmed","reviewed_at":"2026-03-01T10:00:00Z","reviewer":"r1"}
            {"conversation_id":"p3","harm":"grooming","decision":"false_positive","reviewed_at":"2026-03-01T10:05:00Z"}
            {"conversation_id":"p3","harm":"grooming","decision":"confirmed","reviewed_at":"2026-03-01T09:00:00Z"}
            """ + "\n"));

        var run = await new CliRunner().RunAsync(["eval", gold, "--reviews", reviews, "--json"]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        // n1 is now a true positive; p3's latest review (10:05, false positive) makes it a true negative.
        AssertCounts(Row(run, "all", "any"), tp: 4, fp: 0, fn: 0, tn: 4);
        Assert.Contains("reviews: 2 reviewed (conversation, harm) pairs applied", run.Stderr);
    }

    [Fact]
    public async Task Eval_BadReviewLine_FailsNamingFileLineAndField()
    {
        var gold = await CliRunner.WriteTempAsync("hand.jsonl", Encoding.UTF8.GetBytes(HandGold + "\n"));
        var reviews = await CliRunner.WriteTempAsync("reviews.jsonl", Encoding.UTF8.GetBytes("\n{\"conversation_id\":\"n1\",\"harm\":\"grooming\",\"decision\":\"maybe\",\"reviewed_at\":\"2026-03-01T10:00:00Z\"}\n"));

        var run = await new CliRunner().RunAsync(["eval", gold, "--reviews", reviews]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error: {reviews}:2: decision: expected 'confirmed' or 'false_positive', got 'maybe'", run.Stderr);
    }

    [Theory]
    [InlineData("{\"id\":\"x\",\"messages\":[]}", "label: missing or not a string")]
    [InlineData("{\"id\":\"x\",\"label\":\"spam\",\"messages\":[]}", "label: unknown label 'spam'")]
    [InlineData("{\"id\":\"x\",\"label\":\"grooming\",\"alert_by\":\"soon\",\"messages\":[]}", "alert_by: expected an integer >= 0")]
    [InlineData("{\"id\":\"x\",\"label\":\"grooming\"", "invalid JSON")]
    public async Task Eval_BadGoldLine_FailsNamingFileAndLine(string line, string reason)
    {
        var gold = await CliRunner.WriteTempAsync("gold.jsonl", Encoding.UTF8.GetBytes("{\"id\":\"ok\",\"label\":\"benign\",\"messages\":[]}\n" + line + "\n"));

        var run = await new CliRunner().RunAsync(["eval", gold]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error: {gold}:2: ", run.Stderr);
        Assert.Contains(reason, run.Stderr);
    }

    [Fact]
    public async Task Eval_BadGoldLineWithSkipInvalid_EvaluatesTheRest()
    {
        var gold = await CliRunner.WriteTempAsync("gold.jsonl", Encoding.UTF8.GetBytes(HandGold + "\n{\"id\":\"x\"}\n"));

        var run = await new CliRunner().RunAsync(["eval", gold, "--skip-invalid", "--json"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"{gold}:9: ", run.Stderr);
        Assert.Equal(8, Row(run, "all", "any").GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Eval_TargetFprOutOfRange_IsAUsageError()
    {
        var run = await new CliRunner().RunAsync(["eval", "gold.jsonl", "--target-fpr", "1.5"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--target-fpr must be in (0, 1)", run.Stderr);
    }

    [Fact]
    public async Task Eval_GoldFromStdin_IsEvaluated()
    {
        var run = await new CliRunner().RunAsync(["eval", "-", "--json"], Encoding.UTF8.GetBytes(EvalCommandTests.HandGold + "\n"));

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(8, run.Results.Single().GetProperty("rows")[0].GetProperty("n").GetInt32());
    }

    private static void AssertMatchesEvalPy(CliRun run)
    {
        var any = Row(run, "all", "any");
        AssertCounts(any, EvalPyTp, EvalPyFp, EvalPyFn, EvalPyTn);
        Assert.Equal(21, any.GetProperty("n").GetInt32());
        Assert.Equal(EvalPyPrecision, any.GetProperty("precision").GetDouble(), 12);
        Assert.Equal(EvalPyRecall, any.GetProperty("recall").GetDouble(), 12);
        Assert.Equal(EvalPyF1, any.GetProperty("f1").GetDouble(), 12);
        Assert.Equal(EvalPyF05, any.GetProperty("f05").GetDouble(), 12);
        Assert.Equal(EvalPyFpr, any.GetProperty("fpr").GetDouble(), 12);
        Assert.Equal(EvalPyEarlyRecall, any.GetProperty("early_recall").GetDouble(), 12);
        Assert.Equal(EvalPyAp, any.GetProperty("ap").GetDouble(), 12);
        Assert.Equal(EvalPyRecallAt1PctFpr, any.GetProperty("recall_at_target_fpr").GetDouble(), 12);
    }

    private static void AssertCounts(JsonElement row, int tp, int fp, int fn, int tn) =>
        Assert.Equal((tp, fp, fn, tn), (row.GetProperty("tp").GetInt32(), row.GetProperty("fp").GetInt32(), row.GetProperty("fn").GetInt32(), row.GetProperty("tn").GetInt32()));

    private static JsonElement[] Rows(CliRun run) => run.Results.Single().GetProperty("rows").EnumerateArray().ToArray();

    private static JsonElement Row(CliRun run, string slice, string harm) =>
        Rows(run).Single(r => r.GetProperty("slice").GetString() == slice && r.GetProperty("harm").GetString() == harm);
}
