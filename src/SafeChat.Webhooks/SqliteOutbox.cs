using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using SafeChat.Escalation;
using SafeChat.Retention;

namespace SafeChat.Webhooks;

/// <summary>
/// The durable <see cref="IEscalationStore"/>: accepted escalations and each handler's delivery state in one SQLite
/// file. Give it to the <see cref="EscalationDispatcher"/>; its handlers (the <see cref="WebhookEscalationHandler"/>
/// among them) are fed from it with retries, and a new dispatcher on the same file resumes everything still pending.
/// </summary>
/// <remarks>
/// <para><see cref="AddAsync"/> returns only after the escalation is committed with <c>synchronous=FULL</c> (on disk, so
/// it survives <c>kill -9</c> and power loss). Concurrent adds and delivery updates are committed together (group
/// commit), so a burst costs few disk flushes. The idempotency key is <c>UNIQUE</c>: adding a stored key changes
/// nothing.</para>
/// <para>Pending deliveries are never purged; delivered ones are purged after
/// <see cref="RetentionOptions.DeliveredOutboxRows"/> and dead letters after <see cref="RetentionOptions.EscalationRecords"/>.
/// One dispatcher per file.</para>
/// </remarks>
public sealed class SqliteOutbox : IEscalationStore, IRetentionTarget, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS escalations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            idempotency_key TEXT NOT NULL UNIQUE,
            payload TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS deliveries (
            escalation_id INTEGER NOT NULL REFERENCES escalations (id),
            handler TEXT NOT NULL,
            status INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            delivered_at INTEGER NULL,
            dead_lettered_at INTEGER NULL,
            last_error TEXT NULL,
            PRIMARY KEY (escalation_id, handler)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_deliveries_due ON deliveries (handler, status, next_attempt_at);
        """;

    // An outbox file written by SafeChat.Webhooks 0.1 (one webhook row per escalation): moved into the new tables once.
    private const string Migration = """
        INSERT OR IGNORE INTO escalations (id, idempotency_key, payload, created_at)
            SELECT id, idempotency_key, payload, created_at FROM outbox;
        INSERT OR IGNORE INTO deliveries (escalation_id, handler, status, attempts, next_attempt_at, delivered_at, dead_lettered_at, last_error)
            SELECT id, 'webhook', status, attempts, next_attempt_at, delivered_at, dead_lettered_at, last_error FROM outbox;
        DROP TABLE outbox;
        """;

    private const string Columns = """
        e.id, e.idempotency_key, d.handler, e.payload, d.status, d.attempts, e.created_at, d.next_attempt_at, d.delivered_at, d.dead_lettered_at, d.last_error
        """;

    private const int MaxBatch = 512;

    private readonly SqliteDatabase _db;
    private readonly RetentionOptions _retention;
    private readonly ConcurrentQueue<WriteOp> _writes = new();
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    /// <summary>Opens (or creates) the outbox file.</summary>
    /// <param name="databasePath">The SQLite file; its directory is created if needed.</param>
    /// <param name="retention">Retention periods; defaults when null.</param>
    /// <param name="timeProvider">The clock for creation times and purging; <see cref="TimeProvider.System"/> when null.</param>
    public SqliteOutbox(string databasePath, RetentionOptions? retention = null, TimeProvider? timeProvider = null)
    {
        _retention = retention ?? new RetentionOptions();
        _retention.Validate();
        TimeProvider = timeProvider ?? TimeProvider.System;
        _db = new SqliteDatabase(databasePath, Schema);
        MigrateLegacyTable();
    }

    /// <summary>The outbox's clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <inheritdoc />
    public string RetentionName => "outbox";

    /// <inheritdoc />
    /// <remarks>Always true: an added escalation is committed to the SQLite file before <see cref="AddAsync"/> returns.</remarks>
    public bool IsDurable => true;

    /// <inheritdoc />
    /// <remarks>The escalation is stored as its webhook payload (<see cref="WebhookPayload"/>), which never holds message text.</remarks>
    public async ValueTask<bool> AddAsync(EscalationEvent escalation, IReadOnlyList<string> handlers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        ArgumentNullException.ThrowIfNull(handlers);
        if (string.IsNullOrEmpty(escalation.IdempotencyKey))
        {
            throw new ArgumentException("escalation.IdempotencyKey must not be empty.", nameof(escalation));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var payload = WebhookPayload.FromEscalation(escalation).ToJson();
        var op = new AddOp(escalation.IdempotencyKey, payload, [.. handlers], SqliteDatabase.ToUnixMs(TimeProvider.GetUtcNow()));
        return (bool)(await WriteAsync(op).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<PendingEscalation>> GetDueAsync(string handler, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(
            $"SELECT {Columns} FROM deliveries d JOIN escalations e ON e.id = d.escalation_id WHERE d.handler = $handler AND d.status = 0 AND d.next_attempt_at <= $now ORDER BY d.next_attempt_at, e.id LIMIT $limit;",
            c =>
            {
                c.Parameters.AddWithValue("$handler", handler);
                c.Parameters.AddWithValue("$now", SqliteDatabase.ToUnixMs(now));
                c.Parameters.AddWithValue("$limit", limit);
            },
            cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new PendingEscalation(WebhookPayload.Parse(r.PayloadJson).ToEscalation(), r.Attempts))];
    }

    /// <inheritdoc />
    public async ValueTask<DateTimeOffset?> GetNextDueAsync(string handler, CancellationToken cancellationToken = default)
    {
        await using var connection = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(next_attempt_at) FROM deliveries WHERE handler = $handler AND status = 0;";
        command.Parameters.AddWithValue("$handler", handler);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is long ms ? SqliteDatabase.FromUnixMs(ms) : null;
    }

    /// <inheritdoc />
    public async ValueTask RecordAsync(string handler, EscalationDeliveryResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(result);
        await WriteAsync(new RecordOp(handler, result)).ConfigureAwait(false);
    }

    /// <summary>One handler's delivery of an escalation, or null.</summary>
    /// <param name="idempotencyKey">The escalation's key.</param>
    /// <param name="handler">The handler's name; <c>webhook</c> by default.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async ValueTask<OutboxEntry?> GetAsync(string idempotencyKey, string handler = WebhookEscalationHandler.HandlerName, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(
            $"SELECT {Columns} FROM deliveries d JOIN escalations e ON e.id = d.escalation_id WHERE e.idempotency_key = $key AND d.handler = $handler;",
            c =>
            {
                c.Parameters.AddWithValue("$key", idempotencyKey);
                c.Parameters.AddWithValue("$handler", handler);
            },
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Counts deliveries per status, for one handler or all.</summary>
    /// <param name="handler">A handler's name, or null for all handlers.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async ValueTask<OutboxCounts> CountAsync(string? handler = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, COUNT(*) FROM deliveries WHERE $handler IS NULL OR handler = $handler GROUP BY status;";
        command.Parameters.AddWithValue("$handler", (object?)handler ?? DBNull.Value);
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

    /// <summary>
    /// Puts a dead-lettered delivery back to pending with zero attempts (an operator's replay once the receiver is
    /// fixed); call <see cref="EscalationDispatcher.Wake"/> to send it at once. False when it is not dead-lettered.
    /// </summary>
    /// <param name="idempotencyKey">The escalation's key.</param>
    /// <param name="handler">The handler's name; <c>webhook</c> by default.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async ValueTask<bool> RequeueAsync(string idempotencyKey, string handler = WebhookEscalationHandler.HandlerName, CancellationToken cancellationToken = default)
    {
        var now = SqliteDatabase.ToUnixMs(TimeProvider.GetUtcNow());
        var changed = await ExecuteAsync(
            """
            UPDATE deliveries SET status = 0, attempts = 0, next_attempt_at = $now, dead_lettered_at = NULL
            WHERE handler = $handler AND status = 2 AND escalation_id = (SELECT id FROM escalations WHERE idempotency_key = $key);
            """,
            c =>
            {
                c.Parameters.AddWithValue("$now", now);
                c.Parameters.AddWithValue("$key", idempotencyKey);
                c.Parameters.AddWithValue("$handler", handler);
            },
            cancellationToken).ConfigureAwait(false);
        return changed == 1;
    }

    /// <inheritdoc />
    /// <remarks>Counts purged deliveries. An escalation is removed (and its key may be accepted again) once none of its deliveries is left.</remarks>
    public async ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        var now = TimeProvider.GetUtcNow();
        var deliveredBefore = SqliteDatabase.ToUnixMs(now - _retention.DeliveredOutboxRows);
        var deadBefore = SqliteDatabase.ToUnixMs(now - _retention.EscalationRecords);
        var purged = await ExecuteAsync(
            "DELETE FROM deliveries WHERE (status = 1 AND delivered_at <= $deliveredBefore) OR (status = 2 AND dead_lettered_at <= $deadBefore);",
            c =>
            {
                c.Parameters.AddWithValue("$deliveredBefore", deliveredBefore);
                c.Parameters.AddWithValue("$deadBefore", deadBefore);
            },
            cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            "DELETE FROM escalations WHERE created_at <= $deliveredBefore AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.escalation_id = escalations.id);",
            c => c.Parameters.AddWithValue("$deliveredBefore", deliveredBefore),
            cancellationToken).ConfigureAwait(false);
        return purged;
    }

    /// <summary>Releases pooled file handles.</summary>
    public void Dispose()
    {
        _db.Dispose();
        _writeGate.Dispose();
    }

    private void MigrateLegacyTable()
    {
        using var connection = _db.Open();
        using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'outbox';";
        if ((long)probe.ExecuteScalar()! == 0)
        {
            return;
        }

        using var transaction = connection.BeginTransaction();
        using var migrate = connection.CreateCommand();
        migrate.Transaction = transaction;
        migrate.CommandText = Migration;
        migrate.ExecuteNonQuery();
        transaction.Commit();
    }

    // Group commit: every writer queues its operation; whoever holds the gate commits everything queued in one
    // transaction, so concurrent adds and delivery updates share one disk flush.
    private async Task<object?> WriteAsync(WriteOp op)
    {
        _writes.Enqueue(op);
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!op.Completion.IsCompleted)
            {
                // Let writers that are starting right now (a burst) queue up, so that they share this commit.
                await Task.Yield();
            }

            while (!op.Completion.IsCompleted)
            {
                var batch = new List<WriteOp>();
                while (batch.Count < MaxBatch && _writes.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                Commit(batch);
            }
        }
        finally
        {
            _writeGate.Release();
        }

        return await op.Completion.ConfigureAwait(false);
    }

    private void Commit(List<WriteOp> batch)
    {
        var results = new object?[batch.Count];
        try
        {
            using var connection = _db.Open();
            using var transaction = connection.BeginTransaction();
            for (var i = 0; i < batch.Count; i++)
            {
                results[i] = batch[i].Apply(connection, transaction);
            }

            transaction.Commit();
        }
#pragma warning disable CA1031 // Every writer in the batch gets the failure; none is told its write is stored.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            foreach (var op in batch)
            {
                op.Fail(ex);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Complete(results[i]);
        }
    }

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
                reader.GetString(3),
                (OutboxStatus)reader.GetInt32(4),
                reader.GetInt32(5),
                SqliteDatabase.FromUnixMs(reader.GetInt64(6)),
                SqliteDatabase.FromUnixMs(reader.GetInt64(7)))
            {
                DeliveredAt = SqliteDatabase.FromUnixMs(reader, 8),
                DeadLetteredAt = SqliteDatabase.FromUnixMs(reader, 9),
                LastError = reader.IsDBNull(10) ? null : reader.GetString(10),
            });
        }

        return rows;
    }

    private abstract class WriteOp
    {
        private readonly TaskCompletionSource<object?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<object?> Completion => _completion.Task;

        public abstract object? Apply(SqliteConnection connection, SqliteTransaction transaction);

        public void Complete(object? result) => _completion.TrySetResult(result);

        public void Fail(Exception ex) => _completion.TrySetException(ex);
    }

    private sealed class AddOp(string key, string payload, string[] handlers, long now) : WriteOp
    {
        public override object? Apply(SqliteConnection connection, SqliteTransaction transaction)
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO escalations (idempotency_key, payload, created_at) VALUES ($key, $payload, $now)
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING id;
                """;
            insert.Parameters.AddWithValue("$key", key);
            insert.Parameters.AddWithValue("$payload", payload);
            insert.Parameters.AddWithValue("$now", now);
            if (insert.ExecuteScalar() is not long id)
            {
                return false;
            }

            using var delivery = connection.CreateCommand();
            delivery.Transaction = transaction;
            delivery.CommandText = "INSERT OR IGNORE INTO deliveries (escalation_id, handler, status, attempts, next_attempt_at) VALUES ($id, $handler, 0, 0, $now);";
            var handlerParameter = delivery.Parameters.Add("$handler", SqliteType.Text);
            delivery.Parameters.AddWithValue("$id", id);
            delivery.Parameters.AddWithValue("$now", now);
            foreach (var handler in handlers)
            {
                handlerParameter.Value = handler;
                delivery.ExecuteNonQuery();
            }

            return true;
        }
    }

    private sealed class RecordOp(string handler, EscalationDeliveryResult result) : WriteOp
    {
        public override object? Apply(SqliteConnection connection, SqliteTransaction transaction)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = result.Outcome switch
            {
                EscalationDeliveryOutcome.Delivered => "UPDATE deliveries SET status = 1, attempts = $attempts, delivered_at = $at, last_error = NULL",
                EscalationDeliveryOutcome.DeadLettered => "UPDATE deliveries SET status = 2, attempts = $attempts, dead_lettered_at = $at, last_error = $error",
                _ => "UPDATE deliveries SET attempts = $attempts, next_attempt_at = $next, last_error = $error",
            } + " WHERE handler = $handler AND status = 0 AND escalation_id = (SELECT id FROM escalations WHERE idempotency_key = $key);";
            command.Parameters.AddWithValue("$attempts", result.Attempts);
            command.Parameters.AddWithValue("$at", SqliteDatabase.ToUnixMs(result.At));
            command.Parameters.AddWithValue("$next", SqliteDatabase.ToUnixMs(result.NextAttemptAt ?? result.At));
            command.Parameters.AddWithValue("$error", (object?)result.Error ?? DBNull.Value);
            command.Parameters.AddWithValue("$handler", handler);
            command.Parameters.AddWithValue("$key", result.IdempotencyKey);
            command.ExecuteNonQuery();
            return null;
        }
    }
}
