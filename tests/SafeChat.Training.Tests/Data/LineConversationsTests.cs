using System.Text;
using SafeChat.Inference.Features;
using SafeChat.Inference.Tests.Onnx;
using SafeChat.Scoring;
using SafeChat.Training.Data;

namespace SafeChat.Training.Tests.Data;

/// <summary><c>--line-conversations</c>: written conversations whose lines train only the line heads and the vocabulary.</summary>
public sealed class LineConversationsTests
{
    [Fact]
    public void Load_LineConversations_EveryOneTrainsAndNoneIsAnAggregatorConversation()
    {
        using var dir = new TempDirectory();
        string lineOnly = dir.File("line-only.jsonl");
        File.WriteAllLines(lineOnly, Enumerable.Range(0, 40).Select(i => Row(i, i % 2 == 0 ? "grooming" : "benign", "es")));
        string conversations = dir.File("plain.jsonl");
        File.WriteAllLines(conversations, [Row(100, "grooming", "en")]);
        var options = TrainingOptions.Parse(["--conversations", conversations, "--line-conversations", lineOnly], TextWriter.Null);
        Assert.NotNull(options);
        Assert.Contains("--line-conversations", options.CommandLine, StringComparison.Ordinal);

        var data = TrainingData.Load(options, TextWriter.Null);

        Assert.Equal(40, data.LineOnly.Count);
        Assert.All(data.LineOnly, c =>
        {
            Assert.Equal(TrainingData.LineOnlySource, c.Source);
            Assert.Equal(DataPart.Train, c.Part);
        });
        Assert.Single(data.Synthetic);
        foreach (var part in new[] { DataPart.Train, DataPart.Validation, DataPart.Heldout })
        {
            Assert.DoesNotContain(TrainingPipeline.AggregatorConversations(data, part), c => c.Source == TrainingData.LineOnlySource);
        }
    }

    [Fact]
    public void LineExamples_LineConversation_LabelsItsLinesLikeAConversation()
    {
        var data = new TrainingData();
        data.LineOnly.Add(new ChatConversation
        {
            Id = "lo-1",
            Source = TrainingData.LineOnlySource,
            Label = HarmLabel.Grooming,
            Predators = new HashSet<string>(["p"], StringComparer.Ordinal),
            Messages = [new ChatLine("p", "no le digas a nadie", [SignalNames.Secrecy]), new ChatLine("k", "vale", [])],
            Group = "lo-1",
            Part = DataPart.Train,
        });
        var featurizer = new TrainingFeaturizer(MessageFeaturizer.Create(new MemoryStream(Encoding.UTF8.GetBytes("[UNK]\nno\nle\ndigas\na\nnadie\nvale\n"))));

        var examples = LineExamples.Build(data, featurizer, folds: 5, pjLineSample: 0, weakLabelWeight: 0.5f, seed: 1, TextWriter.Null);

        Assert.Equal(2, examples.Count);
        int secrecy = SignalNames.All.ToList().IndexOf(SignalNames.Secrecy);
        int groomingLine = LineHeads.LineIndex(HarmNames.All.ToList().IndexOf(HarmNames.Grooming));
        Assert.Equal(1, examples[0].Labels[secrecy]);
        Assert.Equal(1, examples[0].Labels[groomingLine]);
        Assert.Equal(0, examples[1].Labels[secrecy]);
        Assert.InRange(examples[0].Fold, 0, 4);
    }

    private static string Row(int i, string label, string language) =>
        $$"""{"id": "lo-{{i}}", "source": "safechat-handwritten", "label": "{{label}}", "scenario": "scenario-{{i}}", "predator_authors": [{{(label == "benign" ? "" : "\"p\"")}}], "participants": [{"id": "p"}, {"id": "k", "age": 14}], "room": {"id": "r-{{i}}", "kind": "direct"}, "lang": "{{language}}", "messages": [{"author": "p", "time": "2026-09-14T09:24:10Z", "text": "hola {{i}}", "signals": []}, {"author": "k", "time": "2026-09-14T09:25:10Z", "text": "hey", "signals": []}]}""";
}
