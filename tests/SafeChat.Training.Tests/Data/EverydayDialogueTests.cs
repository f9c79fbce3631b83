using SafeChat.Inference.Tests.Onnx;
using SafeChat.Scoring;
using SafeChat.Training.Data;

namespace SafeChat.Training.Tests.Data;

public sealed class EverydayDialogueTests
{
    [Fact]
    public void Load_EverydayFile_JoinsTheWrittenConversationsUnderASourceOfItsOwnSplitByDialogue()
    {
        using var dir = new TempDirectory();
        string everyday = Write(dir, "everyday.jsonl", Enumerable.Range(0, 60).Select(i => Row($"e-{i}", "benign")));
        string conversations = Write(dir, "plain.jsonl", [Row("g-1", "grooming")]);
        var options = TrainingOptions.Parse(["--conversations", conversations, "--everyday", everyday], TextWriter.Null);
        Assert.NotNull(options);

        var data = TrainingData.Load(options, TextWriter.Null);

        var loaded = data.Synthetic.Where(c => c.Source == TrainingData.EverydaySource).ToList();
        Assert.Equal(60, loaded.Count);
        Assert.All(loaded, c =>
        {
            Assert.Equal(HarmLabel.Benign, c.Label);
            Assert.Equal(Splits.ForCorpus(TrainingData.EverydaySource, c.Id), c.Part);
        });
        // 65/15/20 by dialogue: all three parts occur in 60 dialogues.
        Assert.Contains(loaded, c => c.Part == DataPart.Heldout);
        Assert.Contains(loaded, c => c.Part == DataPart.Validation);
        Assert.Contains(loaded, c => c.Part == DataPart.Train);
        Assert.Equal("synthetic", Assert.Single(data.Synthetic, c => c.Id == "g-1").Source);
    }

    [Fact]
    public void Load_EverydayFileWithAHarmLabel_FailsNamingTheFileConversationAndField()
    {
        using var dir = new TempDirectory();
        string everyday = Write(dir, "everyday.jsonl", [Row("e-1", "benign"), Row("e-2", "grooming")]);
        string conversations = Write(dir, "plain.jsonl", [Row("g-1", "grooming")]);
        var options = TrainingOptions.Parse(["--conversations", conversations, "--everyday", everyday], TextWriter.Null);
        Assert.NotNull(options);

        var error = Assert.ThrowsAny<Exception>(() => TrainingData.Load(options, TextWriter.Null));

        Assert.Contains(everyday, error.Message, StringComparison.Ordinal);
        Assert.Contains("'e-2'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'label'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hello", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EverydayFileMissing_IsRefusedWithItsPath()
    {
        using var dir = new TempDirectory();
        string conversations = Write(dir, "plain.jsonl", [Row("g-1", "grooming")]);
        var stderr = new StringWriter();

        var options = TrainingOptions.Parse(["--conversations", conversations, "--everyday", dir.File("missing.jsonl")], stderr);

        Assert.Null(options);
        Assert.Contains("missing.jsonl", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3", true)]
    [InlineData("-1", false)]
    [InlineData("many", false)]
    public void Parse_AggregatorEverydayWeight_TakesANonNegativeNumber(string value, bool accepted)
    {
        using var dir = new TempDirectory();
        string conversations = Write(dir, "plain.jsonl", [Row("g-1", "grooming")]);
        var stderr = new StringWriter();

        var options = TrainingOptions.Parse(["--conversations", conversations, "--aggregator-everyday-weight", value], stderr);

        Assert.Equal(accepted, options is not null);
        if (accepted)
        {
            Assert.Equal(3f, options!.AggregatorEverydayWeight);
        }
        else
        {
            Assert.Contains("--aggregator-everyday-weight", stderr.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Help_NamesTheEverydayOptionAndItsLimits()
    {
        Assert.Contains("--everyday FILE...", TrainingOptions.Usage, StringComparison.Ordinal);
        Assert.Contains("grooming 1 %", TrainingOptions.Help, StringComparison.Ordinal);
    }

    private static string Row(string id, string label) =>
        $$"""{"id": "{{id}}", "source": "safechat-handwritten", "label": "{{label}}", "scenario": "scenario-{{id}}", "predator_authors": [{{(label == "benign" ? "" : "\"a\"")}}], "participants": [{"id": "a"}, {"id": "b"}], "room": {"id": "r-{{id}}", "kind": "direct"}, "lang": "en", "messages": [{"author": "a", "time": "2026-09-14T09:24:10Z", "text": "hello, could we meet at the station at seven?", "signals": []}, {"author": "b", "time": "2026-09-14T09:25:10Z", "text": "yes, see you then", "signals": []}]}""";

    private static string Write(TempDirectory dir, string name, IEnumerable<string> lines)
    {
        string file = dir.File(name);
        File.WriteAllLines(file, lines);
        return file;
    }
}
