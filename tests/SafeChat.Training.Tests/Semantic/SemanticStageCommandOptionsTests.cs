using System.Text.Json.Nodes;
using SafeChat.Training.Semantic;

namespace SafeChat.Training.Tests.Semantic;

/// <summary>semantic-stage's options for experiments: training row points, the encoder cache, re-runs on a models folder.</summary>
public sealed class SemanticStageCommandOptionsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"semantic-options-{Guid.NewGuid():N}");

    public SemanticStageCommandOptionsTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Parse_SemanticRowLinesAndEncoderCache_AreKept()
    {
        string conversations = WriteConversations();
        string cache = Path.Combine(_dir, "tokens.bin");

        var options = TrainingOptions.Parse(["--conversations", conversations, "--semantic-row-lines", "5,10,20", "--encoder-cache", cache], TextWriter.Null);

        Assert.NotNull(options);
        Assert.Equal([5, 10, 20], options.SemanticRowLines);
        Assert.Equal(cache, options.EncoderCacheFile);
        Assert.DoesNotContain("--encoder-cache", options.CommandLine, StringComparison.Ordinal);
        Assert.Contains("--semantic-row-lines 5,10,20", options.CommandLine, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StageTokenRegression_IsKeptAndRecordedInTheCommandLine_OffWithoutIt()
    {
        string conversations = WriteConversations();

        var regression = TrainingOptions.Parse(["--conversations", conversations, "--stage-token-regression"], TextWriter.Null);
        var plain = TrainingOptions.Parse(["--conversations", conversations], TextWriter.Null);

        Assert.NotNull(regression);
        Assert.NotNull(plain);
        Assert.True(regression.StageTokenRegression);
        Assert.Contains("--stage-token-regression", regression.CommandLine, StringComparison.Ordinal);
        Assert.False(plain.StageTokenRegression);
        Assert.Equal(TokenRegression.DefaultLambda, plain.StageTokenLambda);
    }

    [Fact]
    public void Parse_StageTokenLambda_IsKeptAndANonPositiveOneFailsNamingTheOption()
    {
        string conversations = WriteConversations();
        var errors = new StringWriter();

        var options = TrainingOptions.Parse(["--conversations", conversations, "--stage-token-lambda", "0.25"], TextWriter.Null);
        var bad = TrainingOptions.Parse(["--conversations", conversations, "--stage-token-lambda", "0"], errors);

        Assert.NotNull(options);
        Assert.Equal(0.25, options.StageTokenLambda);
        Assert.Null(bad);
        Assert.Contains("--stage-token-lambda", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StageParallel_IsKeptWithTheRegressionAndWithoutItFailsNamingBothOptions()
    {
        string conversations = WriteConversations();
        string parallel = Path.Combine(_dir, "parallel-es.tsv");
        File.WriteAllText(parallel, "p1\tsee you tomorrow\tnos vemos mañana\n");
        var errors = new StringWriter();

        var options = TrainingOptions.Parse(["--conversations", conversations, "--stage-token-regression", "--stage-parallel", parallel], TextWriter.Null);
        var alone = TrainingOptions.Parse(["--conversations", conversations, "--stage-parallel", parallel], errors);

        Assert.NotNull(options);
        Assert.Equal([parallel], options.StageParallel);
        Assert.Null(alone);
        Assert.Contains("--stage-parallel needs --stage-token-regression", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RemoveStageEntries_RemovesTheParallelLinesEntryToo()
    {
        var trainingData = new JsonArray(
            new JsonObject { ["name"] = "Perverted-Justice (Koutli)" },
            new JsonObject { ["name"] = "Parallel lines for the semantic stage's token regression" });

        SemanticStageCommand.RemoveStageEntries(trainingData);

        Assert.Equal(["Perverted-Justice (Koutli)"], trainingData.Select(e => (string?)e!["name"]));
    }

    [Theory]
    [InlineData("5,x")]
    [InlineData("0")]
    [InlineData("10,-3")]
    public void Parse_SemanticRowLinesNotPositiveNumbers_FailsNamingTheOption(string value)
    {
        var stderr = new StringWriter();

        var options = TrainingOptions.Parse(["--conversations", WriteConversations(), "--semantic-row-lines", value], stderr);

        Assert.Null(options);
        Assert.Contains("--semantic-row-lines", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8, new[] { 10 }, new[] { 8 })]
    [InlineData(10, new[] { 10 }, new[] { 10 })]
    [InlineData(30, new[] { 10 }, new[] { 10, 15, 30 })]
    [InlineData(30, new[] { 20, 5, 10 }, new[] { 5, 10, 20, 15, 30 })]
    [InlineData(12, new[] { 5, 10, 20 }, new[] { 5, 10, 6, 12 })]
    public void RowEnds_LinesBeforeTheEnd_ThenHalfWayAndTheEnd(int lines, int[] rowLines, int[] expected)
    {
        Assert.Equal(expected, SemanticStageCommand.RowEnds(lines, rowLines));
    }

    [Fact]
    public void EncoderCache_SameVocabularyAndEncoder_ReadsWhatWasWrittenAndAnythingElseReadsNothing()
    {
        string path = Path.Combine(_dir, "tokens.bin");
        string[] vocabulary = ["[PAD]", "hello", "##s"];
        float[][] table = [[], [0.25f, -1.5f], [3f, float.Epsilon]];

        Assert.Null(SemanticStageCommand.ReadEncoderCache(path, vocabulary, "abc123"));
        SemanticStageCommand.WriteEncoderCache(path, vocabulary, "abc123", table);

        Assert.Equal(table, SemanticStageCommand.ReadEncoderCache(path, vocabulary, "abc123"));
        Assert.Null(SemanticStageCommand.ReadEncoderCache(path, ["[PAD]", "hello", "world"], "abc123"));
        Assert.Null(SemanticStageCommand.ReadEncoderCache(path, vocabulary, "another-encoder"));
    }

    [Fact]
    public void RemoveStageEntries_CardOfAnEarlierRun_KeepsOnlyTheOtherCorpora()
    {
        var trainingData = new JsonArray(
            new JsonObject { ["name"] = "Perverted-Justice (Koutli)" },
            new JsonObject { ["name"] = "Semantic second stage (semantic.onnx)" },
            new JsonObject { ["name"] = "Written look-alikes for the semantic stage's validation" });

        SemanticStageCommand.RemoveStageEntries(trainingData);

        Assert.Equal(["Perverted-Justice (Koutli)"], trainingData.Select(e => (string?)e!["name"]));
    }

    private string WriteConversations()
    {
        string path = Path.Combine(_dir, "plain.jsonl");
        File.WriteAllText(path, """{"id": "c-1", "source": "safechat-handwritten", "label": "benign", "scenario": "s", "predator_authors": [], "participants": [{"id": "a", "age": 41}, {"id": "b", "age": 10}], "room": {"id": "r", "kind": "direct"}, "lang": "en", "messages": [{"author": "a", "time": "2026-09-14T09:24:10Z", "text": "hi", "signals": []}]}""" + "\n");
        return path;
    }
}
