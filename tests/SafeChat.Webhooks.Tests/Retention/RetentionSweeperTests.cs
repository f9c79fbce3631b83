using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using SafeChat.Evidence;
using SafeChat.Retention;
using SafeChat.Webhooks.Tests.Infrastructure;

namespace SafeChat.Webhooks.Tests.Retention;

public sealed class RetentionSweeperTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(Fixtures.Start);
    private readonly TestMeterFactory _meters = new();

    public void Dispose()
    {
        _meters.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Start_TimePasses_PurgesExpiredRecordsAndKeepsHeldEvidence()
    {
        using var purged = new MetricCollector<long>(_meters, "SafeChat", "safechat.retention.purged");
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), timeProvider: _time);
        var evidence = new InMemoryEvidenceStore(timeProvider: _time);
        var escalation = Fixtures.Escalation();
        await outbox.EnqueueAsync(escalation);
        await outbox.MarkDeliveredAsync((await outbox.GetAsync(escalation.IdempotencyKey))!.Id, 1, _time.GetUtcNow(), default);
        await evidence.AppendAsync(new EvidenceBuilder(timeProvider: _time).Build(escalation, Fixtures.Thread(), Fixtures.Adult, Fixtures.Teen));

        await using var sweeper = new RetentionSweeper([new FailingTarget(), outbox, evidence], TimeSpan.FromDays(1), _time, _meters);
        sweeper.Start();
        await Eventually.TrueAsync(
            async () => await outbox.GetAsync(escalation.IdempotencyKey) is null,
            "the delivered row is purged after 30 days",
            tick: () => _time.Advance(TimeSpan.FromDays(1)));

        Assert.True(_time.GetUtcNow() >= Fixtures.Start.AddDays(30));
        Assert.False((await evidence.GetAsync(1))!.IsPurged); // still on its one-year hold
        Assert.Contains(purged.GetMeasurementSnapshot(), m => (string?)m.Tags["target"] == "outbox" && m.Value == 1);
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
