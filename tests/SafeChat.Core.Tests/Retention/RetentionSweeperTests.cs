using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using SafeChat.Evidence;
using SafeChat.Retention;
using SafeChat.Core.Tests.Support;

namespace SafeChat.Core.Tests.Retention;

public sealed class RetentionSweeperTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(Fixtures.Start);
    private readonly TestMeterFactory _meters = new();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task Start_TimePasses_PurgesEvidenceWhoseHoldEndedAndKeepsHeldEvidence()
    {
        using var purged = new MetricCollector<long>(_meters, "SafeChat", "safechat.retention.purged");
        var evidence = new InMemoryEvidenceStore(timeProvider: _time);
        var builder = new EvidenceBuilder(timeProvider: _time);
        await evidence.AppendAsync(builder.Build(Fixtures.Escalation(conversation: "room-1"), Fixtures.Thread("room-1"), Fixtures.Adult, Fixtures.Teen));
        await evidence.AppendAsync(builder.Build(Fixtures.Escalation(conversation: "room-2"), Fixtures.Thread("room-2"), Fixtures.Adult, Fixtures.Teen));
        await evidence.ReleaseHoldAsync(1);

        await using var sweeper = new RetentionSweeper([new FailingTarget(), evidence], TimeSpan.FromDays(1), _time, _meters);
        sweeper.Start();
        await Eventually.TrueAsync(
            async () => (await evidence.GetAsync(1))!.IsPurged,
            "the released entry is purged at the next sweep",
            tick: () => _time.Advance(TimeSpan.FromDays(1)));

        Assert.False((await evidence.GetAsync(2))!.IsPurged); // still on its one-year hold
        Assert.Contains(purged.GetMeasurementSnapshot(), m => (string?)m.Tags["target"] == "evidence" && m.Value == 1);
    }

    [Fact]
    public async Task RunOnceAsync_OneTargetThrows_OthersStillPurged()
    {
        using var failures = new MetricCollector<long>(_meters, "SafeChat", "safechat.retention.failures");
        var evidence = new InMemoryEvidenceStore(timeProvider: _time);
        await evidence.AppendAsync(new EvidenceBuilder(timeProvider: _time).Build(Fixtures.Escalation(), Fixtures.Thread(), Fixtures.Adult, Fixtures.Teen));
        await evidence.ReleaseHoldAsync(1);
        await using var sweeper = new RetentionSweeper([new FailingTarget(), evidence], TimeSpan.FromHours(1), _time, _meters);

        var result = await sweeper.RunOnceAsync();

        Assert.Equal(-1, result["failing"]);
        Assert.Equal(1, result["evidence"]);
        Assert.Single(failures.GetMeasurementSnapshot());
    }

    [Fact]
    public void RetentionOptions_NonPositive_NamesTheSetting()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new RetentionOptions { EvidenceHold = TimeSpan.Zero }.Validate());
        Assert.Equal("EvidenceHold", ex.ParamName);
    }

    private sealed class FailingTarget : IRetentionTarget
    {
        public string RetentionName => "failing";

        public ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken = default) => throw new IOException("disk gone");
    }
}
