using SafeChat.Training.Evaluation;

namespace SafeChat.Training.Tests.Detection;

public sealed class MetricsTests
{
    [Fact]
    public void LatencyPenalty_FirstAndNinetiethMessage_ZeroAndHalf()
    {
        Assert.Equal(0, Metrics.LatencyPenalty(1), 9);
        Assert.Equal(0.5, Metrics.LatencyPenalty(90), 9);
    }

    [Fact]
    public void Compute_MixedAlerts_PrecisionRecallAndLatency()
    {
        var items = new List<ScoredConversation>
        {
            new(true, 0.9f, 0, 3, true),
            new(true, 0.8f, 9, 3, false),
            new(true, 0.2f, null, 3, null),
            new(false, 0.7f, 4, null, null),
            new(false, 0.1f, null, null, null),
        };

        var m = Metrics.Compute(items);

        Assert.Equal(2 / 3.0, m.Precision, 9);
        Assert.Equal(2 / 3.0, m.Recall, 9);
        Assert.Equal(1 / 3.0, m.InTimeRate, 9);
        Assert.Equal(0.5, m.AuthorAccuracy, 9);
        double expectedSpeed = 1 - ((Metrics.LatencyPenalty(1) + Metrics.LatencyPenalty(10)) / 2);
        Assert.Equal(expectedSpeed, m.Speed, 9);
        Assert.Equal(m.F1 * expectedSpeed, m.LatencyF1, 9);
    }

    [Fact]
    public void AveragePrecision_PerfectRanking_IsOne()
    {
        var items = new List<ScoredConversation>
        {
            new(true, 0.9f, null, null, null),
            new(true, 0.8f, null, null, null),
            new(false, 0.3f, null, null, null),
        };

        Assert.Equal(1.0, Metrics.AveragePrecision(items), 9);
        Assert.Equal(1.0, Metrics.RecallAtFpr(items, 0.01), 9);
    }
}
