using SafeChat.Retention;

namespace SafeChat.Evidence;

/// <summary>
/// An in-process <see cref="IEvidenceStore"/> for tests, samples and hosts that persist evidence elsewhere. Lost on
/// restart: production hosts use a durable store (for example <c>SqliteEvidenceStore</c> in <c>SafeChat.Webhooks</c>).
/// </summary>
public sealed class InMemoryEvidenceStore : IEvidenceStore
{
    private readonly object _gate = new();
    private readonly List<EvidenceRecord> _records = [];
    private readonly RetentionOptions _retention;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates an empty store.</summary>
    public InMemoryEvidenceStore(RetentionOptions? retention = null, TimeProvider? timeProvider = null)
    {
        _retention = retention ?? new RetentionOptions();
        _retention.Validate();
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string RetentionName => "evidence";

    /// <inheritdoc />
    public ValueTask<EvidenceRecord> AppendAsync(EvidenceBundle bundle, CancellationToken cancellationToken = default)
    {
        var json = EvidenceJson.Serialize(bundle);
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            var previous = _records.Count == 0 ? EvidenceChain.GenesisHash : _records[_records.Count - 1].EntryHash;
            var record = EvidenceChain.CreateRecord(_records.Count + 1, previous, now, bundle.IdempotencyKey, json, now + _retention.EvidenceHold);
            _records.Add(record);
            return new ValueTask<EvidenceRecord>(record);
        }
    }

    /// <inheritdoc />
    public ValueTask<EvidenceRecord?> GetAsync(long sequence, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return new ValueTask<EvidenceRecord?>(sequence >= 1 && sequence <= _records.Count ? _records[(int)sequence - 1] : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<EvidenceRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return new ValueTask<IReadOnlyList<EvidenceRecord>>(_records.ToArray());
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> ExtendHoldAsync(long sequence, DateTimeOffset holdUntil, CancellationToken cancellationToken = default) =>
        Update(sequence, r => r with { HoldUntil = r.HoldUntil is { } current && current > holdUntil ? current : holdUntil });

    /// <inheritdoc />
    public ValueTask<bool> ReleaseHoldAsync(long sequence, CancellationToken cancellationToken = default) =>
        Update(sequence, r => r with { HoldUntil = null });

    /// <inheritdoc />
    public ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetUtcNow();
        var purged = 0;
        lock (_gate)
        {
            for (var i = 0; i < _records.Count; i++)
            {
                var record = _records[i];
                if (!record.IsPurged && (record.HoldUntil is null || record.HoldUntil <= now))
                {
                    _records[i] = record with { PayloadJson = null, PurgedAt = now };
                    purged++;
                }
            }
        }

        return new ValueTask<int>(purged);
    }

    /// <inheritdoc />
    public ValueTask<EvidenceVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return new ValueTask<EvidenceVerification>(EvidenceChain.Verify(_records));
        }
    }

    private ValueTask<bool> Update(long sequence, Func<EvidenceRecord, EvidenceRecord> change)
    {
        lock (_gate)
        {
            if (sequence < 1 || sequence > _records.Count || _records[(int)sequence - 1].IsPurged)
            {
                return new ValueTask<bool>(false);
            }

            _records[(int)sequence - 1] = change(_records[(int)sequence - 1]);
            return new ValueTask<bool>(true);
        }
    }
}
