using SafeChat.Escalation;

namespace SafeChat.Server.Moderation;

/// <summary>
/// The default <see cref="IEscalationQueue"/> for one node: process memory, capped at <see cref="Capacity"/> records
/// (the oldest reviewed record goes first, then the oldest open one). Thread-safe.
/// </summary>
public sealed class InMemoryEscalationQueue : IEscalationQueue
{
    private readonly object _gate = new();
    private readonly Dictionary<string, EscalationRecord> _records = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    /// <summary>Creates a queue.</summary>
    /// <param name="capacity">The most records kept. Default 100,000.</param>
    public InMemoryEscalationQueue(int capacity = 100_000)
    {
        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be at least 1.");
        }

        Capacity = capacity;
    }

    /// <summary>The most records kept.</summary>
    public int Capacity { get; }

    /// <inheritdoc />
    public ValueTask<bool> TryAddAsync(EscalationEvent escalation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        ArgumentException.ThrowIfNullOrEmpty(escalation.IdempotencyKey, nameof(escalation));
        lock (_gate)
        {
            if (_records.ContainsKey(escalation.IdempotencyKey))
            {
                return ValueTask.FromResult(false);
            }

            if (_records.Count >= Capacity)
            {
                EvictOne();
            }

            _records[escalation.IdempotencyKey] = new EscalationRecord(escalation, EscalationStatus.Open);
            _order.Add(escalation.IdempotencyKey);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<EscalationRecord>> ListAsync(EscalationStatus? status, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var result = new List<EscalationRecord>();
        lock (_gate)
        {
            for (var i = _order.Count - 1; i >= 0 && result.Count < limit; i--)
            {
                var record = _records[_order[i]];
                if (status is null || record.Status == status)
                {
                    result.Add(record);
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<EscalationRecord>>(result);
    }

    /// <inheritdoc />
    public ValueTask<EscalationRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(id is not null && _records.TryGetValue(id, out var record) ? record : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<EscalationUpdateResult> ReviewAsync(string id, EscalationReview review, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(review);
        return Update(id, record => record.Status is EscalationStatus.Open or EscalationStatus.Appealed
            ? record with { Status = (EscalationStatus)(int)review.Outcome, Review = review }
            : null);
    }

    /// <inheritdoc />
    public ValueTask<EscalationUpdateResult> AppealAsync(string id, EscalationAppeal appeal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(appeal);
        return Update(id, record => record.Status == EscalationStatus.Confirmed && record.Appeal is null
            ? record with { Status = EscalationStatus.Appealed, Appeal = appeal }
            : null);
    }

    private ValueTask<EscalationUpdateResult> Update(string id, Func<EscalationRecord, EscalationRecord?> change)
    {
        lock (_gate)
        {
            if (id is null || !_records.TryGetValue(id, out var record))
            {
                return ValueTask.FromResult(EscalationUpdateResult.NotFound);
            }

            var updated = change(record);
            if (updated is null)
            {
                return ValueTask.FromResult(EscalationUpdateResult.Conflict);
            }

            _records[id] = updated;
            return ValueTask.FromResult(EscalationUpdateResult.Updated);
        }
    }

    private void EvictOne()
    {
        var victim = _order.FindIndex(key => _records[key].Status is EscalationStatus.Confirmed or EscalationStatus.FalsePositive);
        if (victim < 0)
        {
            victim = 0;
        }

        _records.Remove(_order[victim]);
        _order.RemoveAt(victim);
    }
}
