using SafeChat.Scoring;

namespace SafeChat.Cli.Tests;

public class CliApplicationTests
{
    [Fact]
    public async Task Run_Help_PrintsUsageAndSucceeds()
    {
        var run = await new CliRunner().RunAsync(["--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("safechat score INPUT [--model DIR] [--policy FILE|PRESET] [--skip-invalid]", run.Stdout);
        Assert.Contains("safechat policy validate FILE|PRESET", run.Stdout);
    }

    [Fact]
    public async Task Run_Version_PrintsTheVersion()
    {
        var run = await new CliRunner().RunAsync(["--version"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^safechat \d+\.\d+\.\d+", run.Stdout);
    }

    [Theory]
    [InlineData(new string[0], "Usage:")]
    [InlineData(new[] { "frobnicate" }, "error: unknown command 'frobnicate'")]
    [InlineData(new[] { "score" }, "error: 'score' needs an INPUT")]
    [InlineData(new[] { "score", "a.jsonl", "b.jsonl" }, "error: 'score' takes one INPUT")]
    [InlineData(new[] { "score", "a.jsonl", "--fast" }, "error: unknown option '--fast'")]
    [InlineData(new[] { "score", "a.jsonl", "--model" }, "error: --model needs a value")]
    [InlineData(new[] { "train", "--out", "models" }, "training moved to the separate 'safechat-train' tool")]
    public async Task Run_BadArguments_ExitsWithUsageError(string[] args, string message)
    {
        var run = await new CliRunner().RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
    }

    [Fact]
    public async Task Run_ModelOption_IsPassedToTheScorerFactory()
    {
        var runner = new CliRunner();

        var run = await runner.RunAsync(["score", "--model=/models/v2", "-"], "{\"id\":1,\"messages\":[]}"u8.ToArray());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("/models/v2", runner.LoadedModel);
        Assert.Null(runner.LoadedPolicy);
    }

    [Fact]
    public async Task Run_MissingInputFile_FailsNamingThePath()
    {
        var missing = Path.Combine(Path.GetTempPath(), "safechat-does-not-exist", "none.jsonl");

        var run = await new CliRunner().RunAsync(["score", missing]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error: cannot read '{missing}'", run.Stderr);
    }

    [Fact]
    public async Task Run_ModelDirectoryMissing_FailsWithAClearError()
    {
        var app = new CliApplication(DefaultScorer.Create, DefaultPolicy.Load, TimeProvider.System);
        using var error = new StringWriter();
        var missing = Path.Combine(Path.GetTempPath(), "safechat-no-models-" + Guid.NewGuid().ToString("N"));

        var exit = await app.RunAsync(["score", "--model", missing, "-"], new MemoryStream(), new MemoryStream(), error, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.StartsWith("error: could not load the model: ", error.ToString());
    }

    [Fact]
    public async Task Run_ModelFailsWhileTheInputIsParsed_WritesOnlyTheModelErrorAndNoResult()
    {
        // The input is read while the model loads; a failed load still reports the model alone (not the invalid line).
        var app = new CliApplication(_ => throw new InvalidDataException("model.onnx: bad graph"), _ => null, TimeProvider.System);
        using var error = new StringWriter();
        using var output = new MemoryStream();
        var input = new MemoryStream("{\"id\":1,\"messages\":[{\"author\":\"a\",\"text\":\"hi\"}]}\nnot json\n"u8.ToArray());

        var exit = await app.RunAsync(["score", "-"], input, output, error, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Equal("error: could not load the model: model.onnx: bad graph" + Environment.NewLine, error.ToString());
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public async Task Run_ModelFailsAndInputFileMissing_ReportsTheModelErrorOnly()
    {
        var app = new CliApplication(_ => throw new InvalidDataException("model.onnx: bad graph"), _ => null, TimeProvider.System);
        using var error = new StringWriter();
        var missing = Path.Combine(Path.GetTempPath(), "safechat-does-not-exist", "none.jsonl");

        var exit = await app.RunAsync(["score", missing], new MemoryStream(), new MemoryStream(), error, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Equal("error: could not load the model: model.onnx: bad graph" + Environment.NewLine, error.ToString());
    }

    [Fact]
    public async Task Run_PolicyFailsAndInputFileMissing_ReportsThePolicyErrorOnly()
    {
        var app = new CliApplication(_ => new Testing.MarkerScorer(), _ => throw new FileNotFoundException("policy.yaml: missing"), TimeProvider.System);
        using var error = new StringWriter();
        var missing = Path.Combine(Path.GetTempPath(), "safechat-does-not-exist", "none.jsonl");

        var exit = await app.RunAsync(["score", missing, "--policy", "policy.yaml"], new MemoryStream(), new MemoryStream(), error, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Equal("error: could not load the policy: policy.yaml: missing" + Environment.NewLine, error.ToString());
    }

    [Fact]
    public async Task Run_PolicyCannotLoad_FailsWithAClearError()
    {
        var app = new CliApplication(_ => new Testing.MarkerScorer(), _ => throw new FileNotFoundException("policy.yaml:3: unknown action 'nuke'"), TimeProvider.System);
        using var error = new StringWriter();

        var exit = await app.RunAsync(["score", "-", "--policy", "policy.yaml"], new MemoryStream(), new MemoryStream(), error, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains("error: could not load the policy: policy.yaml:3: unknown action 'nuke'", error.ToString());
    }

    [Fact]
    public async Task Run_ScorerThrowsWhileScoring_StopsWithLineAndReason()
    {
        var app = new CliApplication(_ => new ThrowingScorer(), _ => null, TimeProvider.System);
        using var error = new StringWriter();
        var input = new MemoryStream("{\"id\":1,\"messages\":[{\"author\":\"a\",\"text\":\"hi\"}]}"u8.ToArray());

        var exit = await app.RunAsync(["score", "-"], input, new MemoryStream(), error, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains("error: <stdin>:1: the scorer failed: model exploded", error.ToString());
    }

    [Fact]
    public async Task Run_AssessThrowsWhileStreaming_StopsWithLineAndReasonAfterEarlierResults()
    {
        var app = new CliApplication(_ => new ThrowingScorer(throwInAssess: true), _ => null, TimeProvider.System);
        using var error = new StringWriter();
        using var output = new MemoryStream();
        var input = new MemoryStream("{\"id\":1,\"messages\":[]}\n{\"id\":2,\"messages\":[{\"author\":\"a\",\"text\":\"hi\"}]}"u8.ToArray());

        var exit = await app.RunAsync(["score", "-"], input, output, error, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains("error: <stdin>:2: scoring failed: assess exploded", error.ToString());
        Assert.Single(System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private sealed class ThrowingScorer(bool throwInAssess = false) : ISafetyScorer
    {
        public ScorerDescriptor Descriptor { get; } = new("x", "x-1", SignalNames.All, new Dictionary<string, float>());

        public MessageSignals AnalyzeMessage(string text) => throw new InvalidOperationException("model exploded");

        public IReadOnlyList<MessageSignals> AnalyzeBatch(IReadOnlyList<string> texts) =>
            throwInAssess ? texts.Select(_ => MessageSignals.Empty(SignalNames.All.Count)).ToArray() : throw new InvalidOperationException("model exploded");

        public RiskAssessment Assess(IReadOnlyList<WindowMessage> window) =>
            throwInAssess ? throw new InvalidOperationException("assess exploded") : RiskAssessment.None;
    }
}
