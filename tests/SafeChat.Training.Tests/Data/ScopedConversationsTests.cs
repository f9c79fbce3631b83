using SafeChat.Scoring;
using SafeChat.Training.Data;

namespace SafeChat.Training.Tests.Data;

public sealed class ScopedConversationsTests
{
    private static readonly int Grooming = HarmNames.All.ToList().IndexOf(HarmNames.Grooming);
    private static readonly int Sextortion = HarmNames.All.ToList().IndexOf(HarmNames.Sextortion);
    private static readonly int Trafficking = HarmNames.All.ToList().IndexOf(HarmNames.Trafficking);
    private static readonly int Livestream = HarmNames.All.ToList().IndexOf(HarmNames.LivestreamCoercion);

    [Fact]
    public void Load_ScopedFile_ScopesEveryConversationToTheHarmsLabelledInTheFile()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"scoped-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string file = Path.Combine(dir, "scoped.jsonl");
            File.WriteAllLines(file, Enumerable.Range(0, 60).Select(i => Row(i, (i % 3) switch { 0 => "trafficking", 1 => "livestream_coercion", _ => "benign" })));
            string conversations = Path.Combine(dir, "plain.jsonl");
            File.WriteAllLines(conversations, [Row(100, "grooming")]);
            var options = TrainingOptions.Parse(["--conversations", conversations, "--scoped-conversations", file], TextWriter.Null);
            Assert.NotNull(options);

            var data = TrainingData.Load(options, TextWriter.Null);

            Assert.Equal(60, data.Scoped.Count);
            Assert.All(data.Scoped, c =>
            {
                Assert.Equal(TrainingData.ScopedSource, c.Source);
                Assert.Equal(new HashSet<int> { Trafficking, Livestream }, c.ScopedHarms);
                Assert.Equal(Splits.ForCorpus("scoped|en", c.Scenario!), c.Part);
            });
            Assert.Contains(data.Scoped, c => c.Part == DataPart.Heldout);
            Assert.Null(Assert.Single(data.Synthetic).ScopedHarms);
            Assert.DoesNotContain(data.Synthetic, c => c.Source == TrainingData.ScopedSource);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ScopedLabels_TraffickingPredatorLine_LabelsOnlyTheScopedHarmsHeads()
    {
        var labels = LineExamples.Labels([SignalNames.JobOffer, SignalNames.Secrecy], HarmLabel.Trafficking, predator: true);

        var scoped = LineExamples.ScopedLabels(labels, new HashSet<int> { Trafficking, Livestream });

        Assert.Equal(1, scoped[SignalNames.All.ToList().IndexOf(SignalNames.JobOffer)]);
        Assert.Equal(0, scoped[SignalNames.All.ToList().IndexOf(SignalNames.TravelArrangement)]);
        Assert.Equal(1, scoped[LineHeads.LineIndex(Trafficking)]);
        // secrecy is a grooming signal: unused, like every grooming and sextortion head and minor_cue.
        Assert.All(SignalNames.Grooming.Concat(SignalNames.Sextortion), s => Assert.Equal(-1, scoped[SignalNames.All.ToList().IndexOf(s)]));
        Assert.Equal(-1, scoped[LineHeads.LineIndex(Grooming)]);
        Assert.Equal(-1, scoped[LineHeads.LineIndex(Sextortion)]);
        Assert.Equal(-1, scoped[LineHeads.MinorCueIndex]);
    }

    [Fact]
    public void ScopedLabels_SextortionPredatorLine_LeavesEveryGroomingHeadUnused()
    {
        var labels = LineExamples.Labels([SignalNames.PaymentDemand, SignalNames.Secrecy], HarmLabel.Sextortion, predator: true);

        var scoped = LineExamples.ScopedLabels(labels, new HashSet<int> { Sextortion });

        Assert.Equal(1, scoped[SignalNames.All.ToList().IndexOf(SignalNames.PaymentDemand)]);
        Assert.Equal(0, scoped[SignalNames.All.ToList().IndexOf(SignalNames.ImageClaim)]);
        Assert.Equal(1, scoped[LineHeads.LineIndex(Sextortion)]);
        // A sextortion file never teaches grooming: its signals, its line head and minor_cue leave the line unused.
        Assert.All(SignalNames.Grooming, s => Assert.Equal(-1, scoped[SignalNames.All.ToList().IndexOf(s)]));
        Assert.Equal(-1, scoped[LineHeads.LineIndex(Grooming)]);
        Assert.Equal(-1, scoped[LineHeads.LineIndex(Trafficking)]);
        Assert.Equal(-1, scoped[LineHeads.MinorCueIndex]);
    }

    [Fact]
    public void AggregatorRows_SextortionScopedBenignConversation_IsNegativeOnlyForSextortion()
    {
        var conversation = Conversation("scoped-sx", HarmLabel.Benign, DataPart.Train, new HashSet<int> { Sextortion });
        var rows = new List<AggregatorRow>();

        AggregatorRows.Add(conversation, [[MessageSignals.Empty(SignalNames.All.Count)], [MessageSignals.Empty(SignalNames.All.Count)]], rows);

        Assert.NotEmpty(rows);
        Assert.All(rows, row =>
        {
            Assert.Equal(-1, row.Labels[Grooming]);
            Assert.Equal(0, row.Labels[Sextortion]);
            Assert.Equal(-1, row.Labels[Trafficking]);
            Assert.Equal(-1, row.Labels[Livestream]);
        });
    }

    [Fact]
    public void ScopedLabels_NoScope_LeavesTheLabels()
    {
        var labels = LineExamples.Labels([SignalNames.Secrecy], HarmLabel.Grooming, predator: true);
        var copy = labels.ToArray();

        Assert.Equal(copy, LineExamples.ScopedLabels(labels, null));
    }

    [Fact]
    public void AggregatorRows_ScopedBenignConversation_IsNegativeOnlyForItsHarms()
    {
        var conversation = Conversation("scoped-1", HarmLabel.Benign, DataPart.Train);
        var rows = new List<AggregatorRow>();

        AggregatorRows.Add(conversation, [[MessageSignals.Empty(SignalNames.All.Count)], [MessageSignals.Empty(SignalNames.All.Count)]], rows);

        Assert.NotEmpty(rows);
        Assert.All(rows, row =>
        {
            Assert.Equal(-1, row.Labels[Grooming]);
            Assert.Equal(-1, row.Labels[Sextortion]);
            Assert.Equal(0, row.Labels[Trafficking]);
            Assert.Equal(0, row.Labels[Livestream]);
        });
    }

    [Fact]
    public void AggregatorConversations_ScopedConversations_ComeLastInTheirPart()
    {
        var data = new TrainingData();
        data.Dota.Add(new ChatConversation { Id = "dota-1", Source = "dota", Label = HarmLabel.Benign, Messages = [new ChatLine("a", "gg", [])], Group = "m1", Part = DataPart.Train });
        data.Scoped.Add(Conversation("scoped-train", HarmLabel.Benign, DataPart.Train));
        data.Scoped.Add(Conversation("scoped-validation", HarmLabel.Benign, DataPart.Validation));
        data.Scoped.Add(Conversation("scoped-heldout", HarmLabel.Benign, DataPart.Heldout));

        Assert.Equal(["dota-1", "scoped-train"], TrainingPipeline.AggregatorConversations(data, DataPart.Train).Select(c => c.Id));
        Assert.Equal(["scoped-validation"], TrainingPipeline.AggregatorConversations(data, DataPart.Validation).Select(c => c.Id));
    }

    private static ChatConversation Conversation(string id, HarmLabel label, DataPart part, IReadOnlySet<int>? harms = null) => new()
    {
        Id = id,
        Source = TrainingData.ScopedSource,
        Label = label,
        Scenario = id,
        Messages = [new ChatLine("host", "stream starts at 8", []), new ChatLine("viewer", "cant wait", [])],
        Group = id,
        Part = part,
        ScopedHarms = harms ?? new HashSet<int> { Trafficking, Livestream },
    };

    private static string Row(int i, string label) =>
        $$"""{"id": "s-{{i}}", "source": "safechat-handwritten", "label": "{{label}}", "scenario": "scenario-{{i}}", "predator_authors": [{{(label == "benign" ? "" : "\"p\"")}}], "participants": [{"id": "p"}, {"id": "k", "age": 14}], "room": {"id": "r-{{i}}", "kind": "direct"}, "lang": "en", "messages": [{"author": "p", "time": "2026-09-14T09:24:10Z", "text": "hi there {{i}}", "signals": []}, {"author": "k", "time": "2026-09-14T09:25:10Z", "text": "hey", "signals": []}]}""";
}
