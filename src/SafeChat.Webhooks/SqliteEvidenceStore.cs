using Microsoft.Data.Sqlite;
using SafeChat.Evidence;
using SafeChat.Retention;

namespace SafeChat.Webhooks;

/// <summary>
/// A durable, tamper-evident <see cref="IEvidenceStore"/> in one SQLite file (see <see cref="EvidenceChain"/>). Entries
/// survive restarts; purging turns entries whose hold has ended into tombstones (payload removed, hashes kept) so
/// <see cref="VerifyAsync"/> still checks the whole chain. Appends are serialised by a SQLite write transaction.
/// </summary>
public sealed class SqliteEvidenceStore : IEvidenceStore, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS evidence (
            sequence INTEGER PRIMARY KEY,
            recorded_at INTEGER NOT NULL,
            idempotency_key TEXT NOT NULL,
            payload_sha256 TEXT NOT NULL,
            previous_hash TEXT NOT NULL,
            entry_hash TEXT NOT NULL,
            payload TEXT NULL,
            hold_until INTEGER NULL,
            purged_at INTEGER NULL
        );
        CREATE INDEX IF NOT EXISTS ix_evidence_key ON evidence (idempotency_key);
        """;

    private const string Columns = "sequence, recorded_at, idempotency_key, payload_sha256, previous_hash, entry_hash, payload, hold_until, purged_at";

    private readonly SqliteDatabase _db;
    private readonly RetentionOptions _retention;
    private readonly TimeProvider _timeProvider;

    /// <summary>Opens (or creates) the evidence file.</summary>
    public SqliteEvidenceStore(string databasePath, RetentionOptions? retention = null, TimeProvider? timeProvider = null)
    {
        _retention = retention ?? new RetentionOptions();
        _retention.Validate();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _db = new SqliteDatabase(databasePath, Schema);
    }

    /// <inheritdoc />
    public string RetentionName => "evidence";

    /// <inheritdoc />
    public async ValueTask<EvidenceRecord> AppendAsync(EvidenceBundle bundle, CancellationToken cancellationToken = default)
    {
        var json = EvidenceJson.Serialize(bundle);
        var now = _timeProvider.GetUtcNow();
        await using var connection = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        long sequence = 1;
        var previous = EvidenceChain.GenesisHash;
        await using (var last = connection.CreateCommand())
        {
            last.Transaction = transaction;
            last.CommandText = "SELECT sequence, entry_hash FROM evidence ORDER BY sequence DESC LIMIT 1;";
            await using var reader = await last.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                sequence = reader.GetInt64(0) + 1;
                previous = reader.GetString(1);
            }
        }

        var record = EvidenceChain.CreateRecord(sequence, previous, now, bundle.IdempotencyKey, json, now + _retention.EvidenceHold);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO evidence ({Columns}) VALUES ($seq, $recorded, $key, $payloadHash, $previous, $hash, $payload, $hold, NULL);";
            insert.Parameters.AddWithValue("$seq", record.Sequence);
            insert.Parameters.AddWithValue("$recorded", SqliteDatabase.ToUnixMs(record.RecordedAt));
            insert.Parameters.AddWithValue("$key", record.IdempotencyKey);
            insert.Parameters.AddWithValue("$payloadHash", record.PayloadSha256);
            insert.Parameters.AddWithValue("$previous", record.PreviousHash);
            insert.Parameters.AddWithValue("$hash", record.EntryHash);
            insert.Parameters.AddWithValue("$payload", json);
            insert.Parameters.AddWithValue("$hold", SqliteDatabase.ToUnixMs(record.HoldUntil!.Value));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return record;
    }

    /// <inheritdoc />
    public async ValueTask<EvidenceRecord?> GetAsync(long sequence, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync($"SELECT {Columns} FROM evidence WHERE sequence = $seq;", c => c.Parameters.AddWithValue("$seq", sequence), cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<EvidenceRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync($"SELECT {Columns} FROM evidence ORDER BY sequence;", null, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<bool> ExtendHoldAsync(long sequence, DateTimeOffset holdUntil, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            "UPDATE evidence SET hold_until = MAX(COALESCE(hold_until, 0), $until) WHERE sequence = $seq AND purged_at IS NULL;",
            c =>
            {
                c.Parameters.AddWithValue("$until", SqliteDatabase.ToUnixMs(holdUntil));
                c.Parameters.AddWithValue("$seq", sequence);
            },
            cancellationToken).ConfigureAwait(false) == 1;

    /// <inheritdoc />
    public async ValueTask<bool> ReleaseHoldAsync(long sequence, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            "UPDATE evidence SET hold_until = NULL WHERE sequence = $seq AND purged_at IS NULL;",
            c => c.Parameters.AddWithValue("$seq", sequence),
            cancellationToken).ConfigureAwait(false) == 1;

    /// <inheritdoc />
    public async ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        var now = SqliteDatabase.ToUnixMs(_timeProvider.GetUtcNow());
        return await ExecuteAsync(
            "UPDATE evidence SET payload = NULL, purged_at = $now WHERE purged_at IS NULL AND (hold_until IS NULL OR hold_until <= $now);",
            c => c.Parameters.AddWithValue("$now", now),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<EvidenceVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        EvidenceChain.Verify(await ListAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>Releases pooled file handles.</summary>
    public void Dispose() => _db.Dispose();

    private async Task<int> ExecuteAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<EvidenceRecord>> QueryAsync(string sql, Action<SqliteCommand>? bind, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind?.Invoke(command);
        var rows = new List<EvidenceRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new EvidenceRecord(
                reader.GetInt64(0),
                SqliteDatabase.FromUnixMs(reader.GetInt64(1)),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5))
            {
                PayloadJson = reader.IsDBNull(6) ? null : reader.GetString(6),
                HoldUntil = SqliteDatabase.FromUnixMs(reader, 7),
                PurgedAt = SqliteDatabase.FromUnixMs(reader, 8),
            });
        }

        return rows;
    }
}
