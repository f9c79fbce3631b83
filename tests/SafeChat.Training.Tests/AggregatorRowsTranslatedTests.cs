using SafeChat.Scoring;
using SafeChat.Training.Data;

namespace SafeChat.Training.Tests;

public sealed class AggregatorRowsTranslatedTests
{
    private static ChatConversation Translated(HarmLabel label) => new()
    {
        Id = "vtpan-de-7",
        Source = "vtpan-de",
        Label = label,
        Messages = [new ChatLine("log", "hallo wie geht es dir heute", [])],
        Predators = label == HarmLabel.Grooming ? new HashSet<string> { "log" } : new HashSet<string>(),
        Group = "vtpan-translated-7",
        Language = "de",
        ScopedHarms = TrainingData.TranslatedVtpanHarms,
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Add_TranslatedVtpanLog_IsNegativeForOtherHarmsAndUnusedForGrooming(bool grooming)
    {
        var label = grooming ? HarmLabel.Grooming : HarmLabel.Benign;
        var rows = new List<AggregatorRow>();

        AggregatorRows.Add(Translated(label), [[MessageSignals.Empty(SignalNames.All.Count)]], rows);

        var row = Assert.Single(rows);
        Assert.Equal(-1, row.Labels[HarmNames.All.ToList().IndexOf(HarmNames.Grooming)]);
        Assert.All(Enumerable.Range(0, HarmNames.All.Count).Where(h => HarmNames.All[h] != HarmNames.Grooming), h => Assert.Equal(0, row.Labels[h]));
    }

    [Fact]
    public void AggregatorConversations_TranslatedChats_TrainOnlyAndComeLast()
    {
        var data = new TrainingData();
        data.Vtpan.Add(new ChatConversation { Id = "vtpan-1", Source = "vtpan", Label = HarmLabel.Benign, Messages = [new ChatLine("unknown", "hi", [])], Group = "vtpan-1", Part = DataPart.Train });
        var train = Translated(HarmLabel.Benign);
        train.Part = DataPart.Train;
        var validation = Translated(HarmLabel.Grooming);
        validation.Part = DataPart.Validation;
        data.VtpanTranslated.Add(train);
        data.VtpanTranslated.Add(validation);

        Assert.Equal(["vtpan-1", "vtpan-de-7"], TrainingPipeline.AggregatorConversations(data, DataPart.Train).Select(c => c.Id));
        Assert.Empty(TrainingPipeline.AggregatorConversations(data, DataPart.Validation));
    }
}
