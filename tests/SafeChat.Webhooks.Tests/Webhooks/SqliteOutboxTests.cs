using Microsoft.Extensions.Time.Testing;
using SafeChat.Retention;
using SafeChat.Webhooks.Tests.Infrastructure;

namespace SafeChat.Webhooks.Tests.Webhooks;

public sealed class SqliteOutboxTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(Fixtures.Start);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task EnqueueAsync_SameKeyTwice_StoresOneRow()
    {
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), timeProvider: _time);
        var escalation = Fixtures.Escalation();

        Assert.True(await outbox.EnqueueAsync(escalation));
        Assert.False(await outbox.EnqueueAsync(escalation with { Severity = Policies.Severity.Critical }));

        Assert.Equal(new OutboxCounts(1, 0, 0), await outbox.CountAsync());
        var row = await outbox.GetAsync(escalation.IdempotencyKey);
        Assert.NotNull(row);
        Assert.Equal(OutboxStatus.Pending, row.Status);
        Assert.Equal(0, row.Attempts);
        Assert.Equal(Fixtures.Start, row.CreatedAt);
        Assert.Equal("high", WebhookPayload.Parse(row.PayloadJson).Severity.ToString().ToLowerInvariant());
    }

    [Fact]
    public async Task EnqueueAsync_ReopenedFile_RowSurvives()
    {
        var path = _dir.File("outbox.db");
        var escalation = Fixtures.Escalation();
        using (var first = new SqliteOutbox(path, timeProvider: _time))
        {
            await first.EnqueueAsync(escalation);
        }

        using var second = new SqliteOutbox(path, timeProvider: _time);
        Assert.False(await second.EnqueueAsync(escalation));
        Assert.Equal(OutboxStatus.Pending, (await second.GetAsync(escalation.IdempotencyKey))!.Status);
    }

    [Fact]
    public async Task PurgeExpiredAsync_DeliveredAfter30Days_PurgedButPendingKept()
    {
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), new RetentionOptions(), _time);
        var delivered = Fixtures.Escalation(conversation: "room-delivered");
        var dead = Fixtures.Escalation(conversation: "room-dead");
        var pending = Fixtures.Escalation(conversation: "room-pending");
        await outbox.EnqueueAsync(delivered);
        await outbox.EnqueueAsync(dead);
        await outbox.EnqueueAsync(pending);
        await outbox.MarkDeliveredAsync((await outbox.GetAsync(delivered.IdempotencyKey))!.Id, 1, _time.GetUtcNow(), default);
        await outbox.DeadLetterAsync((await outbox.GetAsync(dead.IdempotencyKey))!.Id, 1, _time.GetUtcNow(), "400", default);

        _time.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, await outbox.PurgeExpiredAsync());

        _time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, await outbox.PurgeExpiredAsync());
        Assert.Null(await outbox.GetAsync(delivered.IdempotencyKey));
        Assert.Equal(new OutboxCounts(1, 0, 1), await outbox.CountAsync());

        _time.Advance(TimeSpan.FromDays(60)); // 91 days: dead letters expire too; pending never does.
        Assert.Equal(1, await outbox.PurgeExpiredAsync());
        Assert.Equal(new OutboxCounts(1, 0, 0), await outbox.CountAsync());
        Assert.NotNull(await outbox.GetAsync(pending.IdempotencyKey));
    }

    [Fact]
    public async Task RequeueAsync_DeadLetter_BecomesPendingWithZeroAttempts()
    {
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), timeProvider: _time);
        var escalation = Fixtures.Escalation();
        await outbox.EnqueueAsync(escalation);
        await outbox.DeadLetterAsync((await outbox.GetAsync(escalation.IdempotencyKey))!.Id, 20, _time.GetUtcNow(), "503", default);

        Assert.True(await outbox.RequeueAsync(escalation.IdempotencyKey));
        Assert.False(await outbox.RequeueAsync(escalation.IdempotencyKey));

        var row = (await outbox.GetAsync(escalation.IdempotencyKey))!;
        Assert.Equal(OutboxStatus.Pending, row.Status);
        Assert.Equal(0, row.Attempts);
    }

    [Fact]
    public void Constructor_EmptyPath_NamesTheArgument()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SqliteOutbox(" "));
        Assert.Equal("databasePath", ex.ParamName);
    }
}
