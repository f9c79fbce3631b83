using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using SafeChat.Escalation;
using SafeChat.Retention;
using SafeChat.Webhooks.Tests.Infrastructure;

namespace SafeChat.Webhooks.Tests.Webhooks;

public sealed class SqliteOutboxTests : IDisposable
{
    private static readonly string[] Handlers = ["webhook", "evidence"];
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(Fixtures.Start);

    public void Dispose() => _dir.Dispose();

    private EscalationDeliveryResult Delivered(EscalationEvent e) => new(e.IdempotencyKey, EscalationDeliveryOutcome.Delivered, 1, _time.GetUtcNow());

    private EscalationDeliveryResult Dead(EscalationEvent e, string error) => new(e.IdempotencyKey, EscalationDeliveryOutcome.DeadLettered, 20, _time.GetUtcNow(), Error: error);

    [Fact]
    public async Task AddAsync_SameKeyTwice_StoresOneEscalationWithOneDeliveryPerHandler()
    {
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), timeProvider: _time);
        var escalation = Fixtures.Escalation();

        Assert.True(await outbox.AddAsync(escalation, Handlers));
        Assert.False(await outbox.AddAsync(escalation with { Severity = Policies.Severity.Critical }, Handlers));

        Assert.True(outbox.IsDurable);
        Assert.Equal(new OutboxCounts(2, 0, 0), await outbox.CountAsync());
        var row = await outbox.GetAsync(escalation.IdempotencyKey);
        Assert.NotNull(row);
        Assert.Equal(OutboxStatus.Pending, row.Status);
        Assert.Equal(0, row.Attempts);
        Assert.Equal(Fixtures.Start, row.CreatedAt);
        Assert.Equal("high", WebhookPayload.Parse(row.PayloadJson).Severity.ToString().ToLowerInvariant());
        var due = Assert.Single(await outbox.GetDueAsync("evidence", _time.GetUtcNow(), 10));
        Assert.Equal(escalation, due.Escalation with { Harms = escalation.Harms, Signals = escalation.Signals });
        Assert.Equal(escalation.Signals, due.Escalation.Signals);
    }

    [Fact]
    public async Task AddAsync_ReopenedFile_EscalationSurvivesAndKeyIsStillKnown()
    {
        var path = _dir.File("outbox.db");
        var escalation = Fixtures.Escalation();
        using (var first = new SqliteOutbox(path, timeProvider: _time))
        {
            await first.AddAsync(escalation, Handlers);
        }

        using var second = new SqliteOutbox(path, timeProvider: _time);
        Assert.False(await second.AddAsync(escalation, Handlers));
        Assert.Equal(OutboxStatus.Pending, (await second.GetAsync(escalation.IdempotencyKey))!.Status);
    }

    [Fact]
    public async Task AddAsync_ThousandConcurrentAdds_AllStoredOnce()
    {
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), timeProvider: _time);

        var added = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i =>
            outbox.AddAsync(Fixtures.Escalation(conversation: $"room-{i % 500}"), Handlers).AsTask()));

        Assert.Equal(500, added.Count(a => a));
        Assert.Equal(new OutboxCounts(1000, 0, 0), await outbox.CountAsync());
    }

    [Fact]
    public async Task RecordAsync_Retry_DueOnlyFromNextAttemptAndKeepsTheError()
    {
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), timeProvider: _time);
        var escalation = Fixtures.Escalation();
        await outbox.AddAsync(escalation, Handlers);
        var now = _time.GetUtcNow();

        await outbox.RecordAsync("webhook", new EscalationDeliveryResult(escalation.IdempotencyKey, EscalationDeliveryOutcome.Retry, 1, now, now.AddSeconds(10), "503"));

        Assert.Empty(await outbox.GetDueAsync("webhook", now.AddSeconds(9), 10));
        Assert.Equal(now.AddSeconds(10), await outbox.GetNextDueAsync("webhook"));
        Assert.Equal(1, Assert.Single(await outbox.GetDueAsync("webhook", now.AddSeconds(10), 10)).Attempts);
        Assert.Equal("503", (await outbox.GetAsync(escalation.IdempotencyKey))!.LastError);
        Assert.Single(await outbox.GetDueAsync("evidence", now, 10)); // the other handler is not affected
    }

    [Fact]
    public async Task PurgeExpiredAsync_DeliveredAfter30Days_PurgedButPendingKept()
    {
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), new RetentionOptions(), _time);
        var delivered = Fixtures.Escalation(conversation: "room-delivered");
        var dead = Fixtures.Escalation(conversation: "room-dead");
        var pending = Fixtures.Escalation(conversation: "room-pending");
        foreach (var escalation in new[] { delivered, dead, pending })
        {
            await outbox.AddAsync(escalation, ["webhook"]);
        }

        await outbox.RecordAsync("webhook", Delivered(delivered));
        await outbox.RecordAsync("webhook", Dead(dead, "400"));

        _time.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, await outbox.PurgeExpiredAsync());

        _time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, await outbox.PurgeExpiredAsync());
        Assert.Null(await outbox.GetAsync(delivered.IdempotencyKey));
        Assert.Equal(new OutboxCounts(1, 0, 1), await outbox.CountAsync());
        Assert.True(await outbox.AddAsync(delivered, ["webhook"])); // a purged key is forgotten

        _time.Advance(TimeSpan.FromDays(60)); // 91 days: dead letters expire too; pending never does.
        Assert.Equal(1, await outbox.PurgeExpiredAsync());
        Assert.Equal(new OutboxCounts(2, 0, 0), await outbox.CountAsync());
        Assert.NotNull(await outbox.GetAsync(pending.IdempotencyKey));
    }

    [Fact]
    public async Task RequeueAsync_DeadLetter_BecomesPendingWithZeroAttempts()
    {
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), timeProvider: _time);
        var escalation = Fixtures.Escalation();
        await outbox.AddAsync(escalation, ["webhook"]);
        await outbox.RecordAsync("webhook", Dead(escalation, "503"));

        Assert.True(await outbox.RequeueAsync(escalation.IdempotencyKey));
        Assert.False(await outbox.RequeueAsync(escalation.IdempotencyKey));

        var row = (await outbox.GetAsync(escalation.IdempotencyKey))!;
        Assert.Equal(OutboxStatus.Pending, row.Status);
        Assert.Equal(0, row.Attempts);
    }

    [Fact]
    public async Task Constructor_OutboxFileFromVersion01_PendingRowsBecomeWebhookDeliveries()
    {
        var path = _dir.File("legacy.db");
        var escalation = Fixtures.Escalation();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, idempotency_key TEXT NOT NULL UNIQUE, payload TEXT NOT NULL,
                    status INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,
                    next_attempt_at INTEGER NOT NULL, delivered_at INTEGER NULL, dead_lettered_at INTEGER NULL, last_error TEXT NULL);
                INSERT INTO outbox (idempotency_key, payload, attempts, created_at, next_attempt_at, last_error) VALUES ($key, $payload, 2, 0, 0, '503');
                """;
            command.Parameters.AddWithValue("$key", escalation.IdempotencyKey);
            command.Parameters.AddWithValue("$payload", WebhookPayload.FromEscalation(escalation).ToJson());
            command.ExecuteNonQuery();
        }

        using var outbox = new SqliteOutbox(path, timeProvider: _time);

        var due = Assert.Single(await outbox.GetDueAsync("webhook", _time.GetUtcNow(), 10));
        Assert.Equal(escalation.IdempotencyKey, due.Escalation.IdempotencyKey);
        Assert.Equal(2, due.Attempts);
        Assert.False(await outbox.AddAsync(escalation, ["webhook"]));
    }

    [Fact]
    public void Constructor_EmptyPath_NamesTheArgument()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SqliteOutbox(" "));
        Assert.Equal("databasePath", ex.ParamName);
    }
}
