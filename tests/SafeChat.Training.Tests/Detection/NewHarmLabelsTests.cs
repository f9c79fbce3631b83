using SafeChat.Inference.Features;
using SafeChat.Scoring;
using SafeChat.Training.Data;

namespace SafeChat.Training.Tests.Detection;

public sealed class NewHarmLabelsTests
{
    [Fact]
    public void Labels_TraffickingPredatorLineWithJobOffer_OwnLineHeadPositiveOthersNegative()
    {
        var labels = LineExamples.Labels([SignalNames.JobOffer], HarmLabel.Trafficking, predator: true);

        Assert.Equal(1, labels[SignalNames.All.ToList().IndexOf(SignalNames.JobOffer)]);
        Assert.Equal(0, labels[SignalNames.All.ToList().IndexOf(SignalNames.CameraCommand)]);
        Assert.Equal(1, labels[LineHeads.LineIndex(2)]);
        Assert.Equal(0, labels[LineHeads.LineIndex(0)]);
        Assert.Equal(0, labels[LineHeads.LineIndex(3)]);
    }

    [Fact]
    public void Labels_LivestreamPredatorLineWithoutSignals_LineHeadsUnlabeled()
    {
        var labels = LineExamples.Labels([], HarmLabel.LivestreamCoercion, predator: true);

        Assert.All(Enumerable.Range(0, LineHeads.HarmCount), h => Assert.Equal(-1, labels[LineHeads.LineIndex(h)]));
    }

    [Fact]
    public void LineHeads_All_HasOneLineHeadPerHarmThenMinorCue()
    {
        Assert.Equal([.. SignalNames.All, "grooming_line", "sextortion_line", "trafficking_line", "livestream_coercion_line", ModelLayout.MinorCueHead], LineHeads.All);
        Assert.Equal(LineHeads.All.Count - 1, LineHeads.MinorCueIndex);
    }

    [Fact]
    public void MaskedForOriginalHarms_HidesExactlyTheLaterHarmsFeatures()
    {
        var masked = AggregatorTrainer.MaskedForOriginalHarms().Select(i => RiskFeatures.Names[i]).ToHashSet();

        Assert.Contains("max:job_offer", masked);
        Assert.Contains("long_x_max:livestream_coercion_line", masked);
        Assert.Contains("strongest_trafficking_signal_1", masked);
        Assert.DoesNotContain("max:image_claim", masked);
        Assert.DoesNotContain("max:grooming_line", masked);
        Assert.DoesNotContain("share_units_from_long_messages", masked);
        Assert.DoesNotContain("others_max_minor_cue", masked);
    }
}
