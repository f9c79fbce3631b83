using SafeChat.Conversations;
using SafeChat.Inference.Features;
using SafeChat.Scoring;

namespace SafeChat.Inference.Tests.Detection;

public sealed class RiskFeaturesTests
{
    [Fact]
    public void Compute_SameMessagesRepeatedLonger_FeaturesDoNotGrow()
    {
        var unit = new MessageSignals([0.1f, 0.6f, 0.2f, 0.05f, 0.3f, 0.7f, 0.1f, 0.0f, 0.1f, 0.0f, 0.1f, 0.2f, 0.0f], [0.4f, 0.1f], minorCue: 0.3f, transcriptGrooming: 0f, chunks: null);
        var shortWindow = Enumerable.Repeat(unit, 20).ToList();
        var longWindow = Enumerable.Repeat(unit, 200).ToList();
        var a = new float[RiskFeatures.Count];
        var b = new float[RiskFeatures.Count];

        RiskFeatures.Compute(shortWindow, 0, AgeBand.Unknown, false, 0.2f, 1, a);
        RiskFeatures.Compute(longWindow, 0, AgeBand.Unknown, false, 0.2f, 1, b);

        Assert.Equal(a, b, (x, y) => Math.Abs(x - y) < 1e-5f);
    }

    [Fact]
    public void Build_TwoAuthors_OthersMinorCueIsTheOtherAuthorsStrongest()
    {
        float[] signals = new float[SignalNames.All.Count];
        var adult = new MessageSignals(signals, [0.2f, 0.0f], minorCue: 0.05f, transcriptGrooming: 0f, chunks: null);
        var kid = new MessageSignals(signals, [0.0f, 0.0f], minorCue: 0.9f, transcriptGrooming: 0f, chunks: null);
        var window = new List<WindowMessage>
        {
            new(0, "adult", AgeBand.Unknown, adult),
            new(1, "kid", AgeBand.Unknown, kid),
        };
        var features = new WindowFeatures();
        int index = RiskFeatures.Names.ToList().IndexOf("others_max_minor_cue");

        features.Build(window);

        Assert.True(index >= 0);
        Assert.Equal(0.9f, features.Features[index], 5);                         // the adult sees the kid's cue
        Assert.Equal(0.05f, features.Features[RiskFeatures.Count + index], 5);   // the kid sees the adult's
    }

    [Theory]
    [InlineData(1, 0f)]
    [InlineData(2, 1f / 3f)]
    [InlineData(4, 1f)]
    [InlineData(40, 1f)]
    public void Compute_OtherAuthors_GroupBlockIsBaseTimesGroupShare(int otherAuthors, float share)
    {
        var unit = new MessageSignals([0.1f, 0.6f, 0.2f, 0.05f, 0.3f, 0.7f, 0.1f, 0.0f, 0.1f, 0.0f, 0.1f, 0.2f, 0.0f], [0.4f, 0.1f], minorCue: 0.3f, transcriptGrooming: 0f, chunks: null);
        var features = new float[RiskFeatures.Count];
        var names = RiskFeatures.Names.ToList();
        int group = names.IndexOf("group_share");
        int maxFlattery = names.IndexOf("max:flattery");
        int groupMaxFlattery = names.IndexOf("group_x_max:flattery");

        RiskFeatures.Compute([unit, unit], 0, AgeBand.Unknown, false, 0.2f, otherAuthors, features);

        Assert.Equal(RiskFeatures.LegacyCount, group);            // the block comes after every older feature
        Assert.Equal(share, features[group], 5);
        Assert.Equal(0.6f, features[maxFlattery], 5);
        Assert.Equal(share * 0.6f, features[groupMaxFlattery], 5);
    }

    [Fact]
    public void Names_MatchFeatureCount()
    {
        Assert.Equal(RiskFeatures.Count, RiskFeatures.Names.Count);
        Assert.Equal(RiskFeatures.Names.Count, RiskFeatures.Names.Distinct().Count());
    }

    [Fact]
    public void FeatureHashing_KnownIds_StableBuckets()
    {
        // FNV-1a is fixed: these values must never change, or shipped models silently break.
        Assert.Equal(FeatureHashing.Unigram(42), FeatureHashing.Unigram(42));
        Assert.NotEqual(FeatureHashing.Bigram(1, 2), FeatureHashing.Bigram(2, 1));
        Assert.InRange(FeatureHashing.Unigram(123456), 0, FeatureHashing.Dimension - 1);
        Assert.Equal(2166136261u ^ 0u, FeatureHashing.StableHash(string.Empty));
    }
}
