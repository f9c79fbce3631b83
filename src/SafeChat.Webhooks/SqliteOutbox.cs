using Microsoft.Data.Sqlite;
using SafeChat.Escalation;
using SafeChat.Retention;

namespace SafeChat.Webhooks;

/// <summary>Where an outbox row is in its life.</summary>
public enum OutboxStatus
{
    /// <summary>Waiting to be delivered (new or scheduled for a retry).</summary>
    Pending = 0,
    /// <summary>The receiver answered 2xx.</summary>
    Delivered = 1,
    /// <summary>Given up: a permanent 4xx or too many attempts. Kept for <see cref="RetentionOptions.EscalationRecords"/>; see <see cref="SqliteOutbox.RequeueAsync"/>.</summary>
    DeadLettered = 2,
}

/// <summary>One outbox row.</summary>
/// <param name="Id">The row id.</param>
/// <param name="IdempotencyKey">The escalation's idempotency key (unique in the outbox).</param>
/// <param name="PayloadJson">The webhook body, fixed at enqueue time.</param>
/// <param name="Status">The row's status.</param>
/// <param name="Attempts">Delivery attempts made.</param>
/// <param name="CreatedAt">When it was enqueued.</param>
/// <param name="NextAttemptAt">When a pending row is due.</param>
public sealed record OutboxEntry(long Id, string IdempotencyKey, string PayloadJson, OutboxStatus Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt)
{
    /// <summary>When it was delivered.</summary>
    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>When it was dead-lettered.</summary>
    public DateTimeOffset? DeadLetteredAt { get; init; }

    /// <summary>The last failure: an HTTP status or an exception type name, never a response body.</summary>
    public string? LastError { get; init; }
}

/// <summary>Row counts per status.</summary>
/// <param name="Pending">Pending rows.</param>
/// <param name="Delivered">Delivered rows not yet purged.</param>
/// <param name="DeadLettered">Dead-lettered rows not yet purged.</param>
public readonly record struct OutboxCounts(int Pending, int Delivered, int DeadLettered);

/// <summary>
/// A durable webhook outbox in one SQLite file. Enqueueing is idempotent (UNIQUE on the idempotency key), rows survive
/// restarts, and a <see cref="WebhookDeliveryWorker"/> delivers them. Pending rows are never purged; delivered rows are
/// purged after <see cref="RetentionOptions.DeliveredOutboxRows"/> and dead letters after
/// <see cref="RetentionOptions.EscalationRecords"/>. One delivery worker per file.
/// </summary>
public sealed class SqliteOutbox : IRetentionTarget, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            idempotency_key TEXT NOT NULL UNIQUE,
            payload TEXT NOT NULL,
            status INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            delivered_at INTEGER NULL,
            dead_lettered_at INTEGER NULL,
            last_error TEXT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_outbox_due ON outbox (status, next_attempt_at);
        """;

    private const string Columns = "id, idempotency_key, payload, status, attempts, created_at, next_attempt_at, delivered_at, dead_lettered_at, last_error";

    private readonly SqliteDatabase _db;
    private readonly RetentionOptions _retention;

    /// <summary>Opens (or creates) the outbox file.</summary>
    /// <param name="databasePath">The SQLite file; its directory is created if needed.</param>
    /// <param name="retention">Retention periods; defaults when null.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    public SqliteOutbox(string databasePath, RetentionOptions? retention = null, TimeProvider? timeProvider = null)
    {
        _retention = retention ?? new RetentionOptions();
        _retention.Validate();
        TimeProvider = timeProvider ?? TimeProvider.System;
        _db = new SqliteDatabase(databasePath, Schema);
    }

    /// <summary>The outbox's clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <inheritdoc />
    public string RetentionName => "outbox";

    /// <summary>Raised after a new row is enqueued (the worker listens to deliver at once).</summary>
    internal event Action? Enqueued;

    /// <summary>Adds an escalation; false when its idempotency key is already in the outbox (nothing changes).</summary>
    public async ValueTask<bool> EnqueueAsync(EscalationEvent escalation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        if (string.IsNullOrEmpty(escalation.IdempotencyKey))
        {
            throw new ArgumentException("escalation.IdempotencyKey must not be empty.", nameof(escalation));
        }

        var payload = WebhookPayload.FromEscalation(escalation).ToJson();
        var now = SqliteDatabase.ToUnixMs(TimeProvider.GetUtcNow());
        await using var connection = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO outbox (idempotency_key, payload, status, attempts, created_at, next_attempt_at)
            VALUES ($key, $payload, 0, 0, $now, $now)
            ON CONFLICT (idempotency_key) DO NOTHING;
            """;
        command.Parameters.AddWithValue("$key", escalation.IdempotencyKey);
        command.Parameters.AddWithValue("$payload", payload);
        command.Parameters.AddWithValue("$now", now);
        var added = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        if (added)
        {
            Enqueued?.Invoke();
        }

        return added;
    }

    /// <summary>The row for an idempotency key, or null.</summary>
    public async ValueTask<OutboxEntry?> GetAsync(string idempotencyKey, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync($"SELECT {Columns} FROM outbox WHERE idempotency_key = $key;", c => c.Parameters.AddWithValue("$key", idempotencyKey), cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Counts rows per status.</summary>
    public async ValueTask<OutboxCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, COUNT(*) FROM outbox GROUP BY status;";
        int pending = 0, delivered = 0, dead = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var count = reader.GetInt32(1);
            switch ((OutboxStatus)reader.GetInt32(0))
            {
                case OutboxStatus.Pending: pending = count; break;
                case OutboxStatus.Delivered: delivered = count; break;
                case OutboxStatus.DeadLettered: dead = count; break;
            }
        }

        return new OutboxCounts(pending, delivered, dead);
    }

    /// <summary>Puts a dead-lettered row back to pending with zero attempts (an operator's replay). False when it is not dead-lettered.</summary>
    public async ValueTask<bool> RequeueAsync(string idempotencyKey, CancellationToken cancellationToken = default)
    {
        var now = SqliteDatabase.ToUnixMs(TimeProvider.GetUtcNow());
        var changed = await ExecuteAsync(
            "UPDATE outbox SET status = 0, attempts = 0, next_attempt_at = $now, dead_lettered_at = NULL WHERE idempotency_key = $key AND status = 2;",
            c =>
            {
                c.Parameters.AddWithValue("$now", now);
                c.Parameters.AddWithValue("$key", idempotencyKey);
            },
            cancellationToken).ConfigureAwait(false);
        if (changed == 1)
        {
            Enqueued?.Invoke();
        }

        return changed == 1;
    }

    /// <inheritdoc />
    public async ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        var now = TimeProvider.GetUtcNow();
        return await ExecuteAsync(
            "DELETE FROM outbox WHERE (status = 1 AND delivered_at <= $deliveredBefore) OR (status = 2 AND dead_lettered_at <= $deadBefore);",
            c =>
            {
                c.Parameters.AddWithValue("$deliveredBefore", SqliteDatabase.ToUnixMs(now - _retention.DeliveredOutboxRows));
                c.Parameters.AddWithValue("$deadBefore", SqliteDatabase.ToUnixMs(now - _retention.EscalationRecords));
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Releases pooled file handles.</summary>
    public void Dispose() => _db.Dispose();

    internal Task<List<OutboxEntry>> GetDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {Columns} FROM outbox WHERE status = 0 AND next_attempt_at <= $now ORDER BY next_attempt_at, id LIMIT $limit;",
            c =>
            {
                c.Parameters.AddWithValue("$now", SqliteDatabase.ToUnixMs(now));
                c.Parameters.AddWithValue("$limit", limit);
            },
            cancellationToken);

    internal async Task<DateTimeOffset?> NextDueAtAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(next_attempt_at) FROM outbox WHERE status = 0;";
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is long ms ? SqliteDatabase.FromUnixMs(ms) : null;
    }

    internal Task<int> MarkDeliveredAsync(long id, int attempts, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE outbox SET status = 1, attempts = $attempts, delivered_at = $now, last_error = NULL WHERE id = $id AND status = 0;",
            c =>
            {
                c.Parameters.AddWithValue("$attempts", attempts);
                c.Parameters.AddWithValue("$now", SqliteDatabase.ToUnixMs(now));
                c.Parameters.AddWithValue("$id", id);
            },
            cancellationToken);

    internal Task<int> ScheduleRetryAsync(long id, int attempts, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE outbox SET attempts = $attempts, next_attempt_at = $next, last_error = $error WHERE id = $id AND status = 0;",
            c =>
            {
                c.Parameters.AddWithValue("$attempts", attempts);
                c.Parameters.AddWithValue("$next", SqliteDatabase.ToUnixMs(nextAttemptAt));
                c.Parameters.AddWithValue("$error", error);
                c.Parameters.AddWithValue("$id", id);
            },
            cancellationToken);

    internal Task<int> DeadLetterAsync(long id, int attempts, DateTimeOffset now, string error, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE outbox SET status = 2, attempts = $attempts, dead_lettered_at = $now, last_error = $error WHERE id = $id AND status = 0;",
            c =>
            {
                c.Parameters.AddWithValue("$attempts", attempts);
                c.Parameters.AddWithValue("$now", SqliteDatabase.ToUnixMs(now));
                c.Parameters.AddWithValue("$error", error);
                c.Parameters.AddWithValue("$id", id);
            },
            cancellationToken);

    private async Task<int> ExecuteAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<OutboxEntry>> QueryAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        var rows = new List<OutboxEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new OutboxEntry(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                (OutboxStatus)reader.GetInt32(3),
                reader.GetInt32(4),
                SqliteDatabase.FromUnixMs(reader.GetInt64(5)),
                SqliteDatabase.FromUnixMs(reader.GetInt64(6)))
            {
                DeliveredAt = SqliteDatabase.FromUnixMs(reader, 7),
                DeadLetteredAt = SqliteDatabase.FromUnixMs(reader, 8),
                LastError = reader.IsDBNull(9) ? null : reader.GetString(9),
            });
        }

        return rows;
    }
}
