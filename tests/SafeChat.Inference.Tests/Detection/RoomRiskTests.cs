using System.Text;
using SafeChat.Conversations;
using SafeChat.Inference.Features;
using SafeChat.Scoring;

namespace SafeChat.Inference.Tests.Detection;

/// <summary>
/// Room-level risk and the per-harm gates of <see cref="SafetyScorerCore"/>, with a transparent aggregator: each harm's
/// risk is one feature of the author's row, so what adds up (and what is gated) is visible in the numbers.
/// </summary>
public sealed class RoomRiskTests
{
    private static readonly Dictionary<string, float> Thresholds = new(StringComparer.Ordinal)
    {
        [HarmNames.Grooming] = 0.9f,
        [HarmNames.Sextortion] = 0.8f,
        [HarmNames.Trafficking] = 0.7f,
        [HarmNames.LivestreamCoercion] = 0.6f,
    };

    private static int Signal(string name) => SignalNames.All.ToList().IndexOf(name);

    private static int Harm(string name) => HarmNames.All.ToList().IndexOf(name);

    /// <summary>One message's signals: the named signals at 0.9, minor cue as given.</summary>
    private static MessageSignals Fired(float minorCue, params string[] signals)
    {
        var p = new float[SignalNames.All.Count];
        foreach (var s in signals)
        {
            p[Signal(s)] = 0.9f;
        }

        return new MessageSignals(p, new float[HarmNames.All.Count], minorCue, 0f, null);
    }

    private static WindowMessage M(int index, string author, MessageSignals signals, AgeBand age = AgeBand.Unknown) =>
        new(index, author, age, signals, age == AgeBand.Unknown ? AgeAssurance.Unknown : AgeAssurance.Estimated);

    private static SafetyScorerCore Core(Func<int, float[], float> grooming, Func<int, float[], float>? other = null, Dictionary<string, float>? thresholds = null)
    {
        var featurizer = MessageFeaturizer.Create(new MemoryStream(Encoding.UTF8.GetBytes("[UNK]\nhello\n")));
        var descriptor = new ScorerDescriptor("test", "test", SignalNames.All, thresholds ?? Thresholds);
        return new SafetyScorerCore(featurizer, new NoSignals(), new FeatureRisk(grooming, other), descriptor);
    }

    /// <summary>Risk of every harm = the author's capped count of units firing that harm's first signal (0, 1/3, 2/3, 1).</summary>
    private static float CountOf(string signal, float[] row) => row[RiskFeatures.Names.ToList().IndexOf("fired_count_capped:" + signal)];

    private static SafetyScorerCore CountingCore() => Core(
        (_, row) => 0f,
        (harm, row) => harm == Harm(HarmNames.LivestreamCoercion) ? CountOf(SignalNames.CameraCommand, row)
            : harm == Harm(HarmNames.Trafficking) ? CountOf(SignalNames.JobOffer, row) : 0f);

    [Fact]
    public void Assess_LivestreamRoomThreeViewersOneCommandEach_RoomRiskAddsUp()
    {
        var core = CountingCore();
        WindowMessage[] window =
        [
            M(0, "host", Fired(0.9f), AgeBand.Teen),
            M(1, "v1", Fired(0f, SignalNames.CameraCommand)),
            M(2, "v2", Fired(0f, SignalNames.CameraCommand)),
            M(3, "host", Fired(0.9f), AgeBand.Teen),
            M(4, "v3", Fired(0f, SignalNames.CameraCommand)),
        ];

        var assessment = core.Assess(window);

        // Each viewer alone: one command, 1/3 risk, gated below every threshold.
        Assert.All(assessment.Authors, a => Assert.True(a.Harms[HarmNames.LivestreamCoercion] < Thresholds[HarmNames.LivestreamCoercion]));
        var room = Assert.IsType<RoomRisk>(assessment.Room);
        Assert.Equal("host", room.TargetId);
        Assert.Equal(1f, room.Harms[HarmNames.LivestreamCoercion], 3);
        Assert.Equal(["v1", "v2", "v3"], room.ContributingAuthors);
        Assert.Equal(1f, assessment.Harms[HarmNames.LivestreamCoercion], 3);
    }

    [Fact]
    public void Assess_SameLineFromOneViewerInPublicRoom_NoRoomAndNoLivestreamRisk()
    {
        var core = CountingCore();
        WindowMessage[] window =
        [
            M(0, "a", Fired(0f)),
            M(1, "b", Fired(0f)),
            M(2, "v1", Fired(0f, SignalNames.CameraCommand)),
            M(3, "c", Fired(0f)),
        ];

        var assessment = core.Assess(window);

        Assert.Null(assessment.Room); // nobody reads as the target: nothing is pooled
        Assert.True(assessment.Harms[HarmNames.LivestreamCoercion] < Thresholds[HarmNames.LivestreamCoercion]);
    }

    [Fact]
    public void Assess_OneViewerAmongOthersWithAMinorHost_RoomNeedsTwoContributors()
    {
        var core = CountingCore();
        WindowMessage[] window =
        [
            M(0, "host", Fired(0f), AgeBand.Child),
            M(1, "v1", Fired(0f, SignalNames.CameraCommand)),
            M(2, "v2", Fired(0f)),
        ];

        var assessment = core.Assess(window);

        var room = Assert.IsType<RoomRisk>(assessment.Room);
        Assert.True(room.Harms[HarmNames.LivestreamCoercion] < Thresholds[HarmNames.LivestreamCoercion]);
        Assert.Empty(room.ContributingAuthors);
    }

    [Fact]
    public void Assess_TwoPeopleOnly_NoRoomLevelAssessment()
    {
        var assessment = CountingCore().Assess([M(0, "host", Fired(0.9f), AgeBand.Teen), M(1, "v1", Fired(0f, SignalNames.CameraCommand))]);

        Assert.Null(assessment.Room);
    }

    [Fact]
    public void Assess_SingleJobOffer_TraffickingGatedButJobOfferWithTravelIsNot()
    {
        var core = Core((_, _) => 0f, (harm, _) => harm == Harm(HarmNames.Trafficking) ? 0.8f : 0f);

        var camp = core.Assess([M(0, "camp", Fired(0f, SignalNames.JobOffer)), M(1, "kid", Fired(0f))]);
        var scout = core.Assess([M(0, "scout", Fired(0f, SignalNames.JobOffer)), M(1, "scout", Fired(0f, SignalNames.TravelArrangement)), M(2, "kid", Fired(0f))]);

        Assert.True(camp.Harms[HarmNames.Trafficking] < Thresholds[HarmNames.Trafficking]);
        Assert.Equal(0.8f, scout.Harms[HarmNames.Trafficking], 3);
    }

    [Fact]
    public void Assess_ThreatPaymentDeadlineWithoutClaim_SextortionLiftedAboveThreshold()
    {
        var core = Core((_, _) => 0f, (harm, _) => harm == Harm(HarmNames.Sextortion) ? 0.06f : 0f);
        WindowMessage[] window =
        [
            M(0, "police", Fired(0f, SignalNames.ThreatAudience)),
            M(1, "teen", Fired(0f)),
            M(2, "police", Fired(0f, SignalNames.PaymentDemand)),
            M(3, "police", Fired(0f, SignalNames.Deadline)),
        ];

        var assessment = core.Assess(window);

        Assert.Equal("police", assessment.Authors[0].AuthorId);
        Assert.True(assessment.Harms[HarmNames.Sextortion] >= Thresholds[HarmNames.Sextortion]);
    }

    [Fact]
    public void Assess_ThreatAndPaymentOnly_SextortionKeepsTheModelsRisk()
    {
        var core = Core((_, _) => 0f, (harm, _) => harm == Harm(HarmNames.Sextortion) ? 0.06f : 0f);

        var assessment = core.Assess([M(0, "x", Fired(0f, SignalNames.ThreatAudience)), M(1, "x", Fired(0f, SignalNames.PaymentDemand)), M(2, "y", Fired(0f))]);

        Assert.Equal(0.06f, assessment.Harms[HarmNames.Sextortion], 3);
    }

    [Fact]
    public void Assess_NoAgesAndTheChildFiresAGroomingSignal_FlaggedAuthorIsTheAdult()
    {
        // Both fire a grooming signal and the aggregator says 0.95 for both; the child's own lines read as a minor's.
        var core = Core((_, _) => 0.95f);
        WindowMessage[] window =
        [
            M(0, "adult", Fired(0f, SignalNames.Secrecy)),
            M(1, "kid", Fired(0.9f, SignalNames.Meeting)),
            M(2, "adult", Fired(0f, SignalNames.OffPlatform)),
        ];

        var assessment = core.Assess(window);

        var flagged = assessment.Authors.Where(a => a.Harms[HarmNames.Grooming] >= Thresholds[HarmNames.Grooming]).Select(a => a.AuthorId);
        Assert.Equal(["adult"], flagged);
    }

    [Fact]
    public void Assess_ThresholdsAtOrBelowGateScale_GatedAuthorsStayBelowEveryThreshold()
    {
        // Thresholds a model may choose at or under 0.45: 0.45 x a raw risk of 1 must still not alert.
        var low = HarmNames.All.ToDictionary(h => h, _ => 0.4f, StringComparer.Ordinal);
        var core = Core((_, _) => 1f, (_, _) => 1f, low);
        WindowMessage[] window =
        [
            M(0, "adult", Fired(0f, SignalNames.Deadline)),           // one sextortion signal, no grooming signal
            M(1, "other", Fired(0f)),
            M(2, "third", Fired(0f)),
        ];

        var assessment = core.Assess(window);

        foreach (var author in assessment.Authors)
        {
            foreach (var harm in HarmNames.All)
            {
                Assert.True(author.Harms[harm] < low[harm], $"{author.AuthorId} {harm} {author.Harms[harm]}");
                Assert.True(author.Harms[harm] > 0f);
            }
        }
    }

    private sealed class NoSignals : ISignalModel
    {
        public int Outputs => SignalNames.All.Count + ModelLayout.LineHarmHeads.Count + 2;

        public void Run(long[] ids, float[] values, int rows, float[] output) => Array.Clear(output, 0, rows * Outputs);

        public void RunRow(ReadOnlySpan<long> ids, ReadOnlySpan<float> values, Span<float> output) => output.Clear();
    }

    /// <summary>Risk per harm from a function of the harm index and the row's features.</summary>
    private sealed class FeatureRisk(Func<int, float[], float> grooming, Func<int, float[], float>? other) : IRiskModel
    {
        public void Run(float[] features, int rows, float[] output)
        {
            int f = RiskFeatures.Count, k = HarmNames.All.Count;
            for (int r = 0; r < rows; r++)
            {
                var row = features.AsSpan(r * f, f).ToArray();
                for (int h = 0; h < k; h++)
                {
                    output[(r * k) + h] = h == 0 ? grooming(h, row) : other?.Invoke(h, row) ?? 0f;
                }
            }
        }
    }
}
