namespace SafeChat.Escalation;

/// <summary>
/// An <see cref="IEscalationStore"/> in process memory, for hosts that use only SafeChat.Core, tests and samples.
/// <b>It is not durable</b>: escalations that were accepted but not yet delivered are lost when the process exits or
/// crashes. For anything that must not be lost use a durable store such as <c>SqliteOutbox</c> (SafeChat.Webhooks).
/// </summary>
/// <remarks>
/// It holds at most <see cref="Capacity"/> escalations that some handler has not finished yet; when it is full,
/// <see cref="AddAsync"/> waits until a handler finishes one (back-pressure, never a drop). It remembers the keys of the
/// last <see cref="KeyHistory"/> finished escalations, so a repeat of one of those keys is still recognised and ignored.
/// Thread-safe.
/// </remarks>
public sealed class InMemoryEscalationStore : IEscalationStore, IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly List<Entry> _open = [];
    private readonly Queue<string> _finished = new();
    private readonly SemaphoreSlim _slots;
    private long _sequence;

    /// <summary>Creates a store.</summary>
    /// <param name="capacity">The most unfinished escalations held before <see cref="AddAsync"/> waits. Default 10,000.</param>
    /// <param name="keyHistory">How many finished escalations' keys are remembered for de-duplication. Default 100,000.</param>
    public InMemoryEscalationStore(int capacity = 10_000, int keyHistory = 100_000)
    {
        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "InMemoryEscalationStore capacity must be at least 1.");
        }

        if (keyHistory < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(keyHistory), keyHistory, "InMemoryEscalationStore keyHistory must not be negative.");
        }

        Capacity = capacity;
        KeyHistory = keyHistory;
        _slots = new SemaphoreSlim(capacity, capacity);
    }

    /// <inheritdoc />
    /// <remarks>Always false: this store lives in process memory.</remarks>
    public bool IsDurable => false;

    /// <summary>The most unfinished escalations held before <see cref="AddAsync"/> waits.</summary>
    public int Capacity { get; }

    /// <summary>How many finished escalations' keys are remembered.</summary>
    public int KeyHistory { get; }

    /// <summary>Escalations that at least one handler has not finished (delivered or dead-lettered) yet.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>
    /// The delivery state of one escalation for one handler (<see cref="EscalationDeliveryOutcome.Retry"/> while it is
    /// pending), or null when unknown.
    /// </summary>
    /// <param name="idempotencyKey">The escalation's key.</param>
    /// <param name="handler">The handler's name.</param>
    public EscalationDeliveryOutcome? GetState(string idempotencyKey, string handler)
    {
        lock (_gate)
        {
            if (idempotencyKey is null || handler is null || !_entries.TryGetValue(idempotencyKey, out var entry)
                || !entry.Deliveries.TryGetValue(handler, out var delivery))
            {
                return null;
            }

            return delivery.Outcome;
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> AddAsync(EscalationEvent escalation, IReadOnlyList<string> handlers, CancellationToken cancellationToken = default)
    {
        Validate(escalation, handlers);
        lock (_gate)
        {
            if (_entries.ContainsKey(escalation.IdempotencyKey))
            {
                return false;
            }
        }

        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_entries.ContainsKey(escalation.IdempotencyKey))
            {
                _slots.Release();
                return false;
            }

            var entry = new Entry(escalation, ++_sequence);
            foreach (var handler in handlers)
            {
                entry.Deliveries[handler] = new Delivery { NextAttemptAt = DateTimeOffset.MinValue };
            }

            entry.OpenDeliveries = entry.Deliveries.Count;
            _entries[escalation.IdempotencyKey] = entry;
            if (entry.Deliveries.Count == 0)
            {
                Finish(entry);
            }
            else
            {
                _open.Add(entry);
            }

            return true;
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<PendingEscalation>> GetDueAsync(string handler, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        var due = new List<(DateTimeOffset At, long Sequence, PendingEscalation Pending)>();
        lock (_gate)
        {
            foreach (var entry in _open)
            {
                if (entry.Deliveries.TryGetValue(handler, out var delivery) && delivery.Outcome == EscalationDeliveryOutcome.Retry && delivery.NextAttemptAt <= now)
                {
                    due.Add((delivery.NextAttemptAt, entry.Sequence, new PendingEscalation(entry.Escalation, delivery.Attempts)));
                }
            }
        }

        IReadOnlyList<PendingEscalation> result = [.. due.OrderBy(d => d.At).ThenBy(d => d.Sequence).Take(limit).Select(d => d.Pending)];
        return new ValueTask<IReadOnlyList<PendingEscalation>>(result);
    }

    /// <inheritdoc />
    public ValueTask<DateTimeOffset?> GetNextDueAsync(string handler, CancellationToken cancellationToken = default)
    {
        DateTimeOffset? next = null;
        lock (_gate)
        {
            foreach (var entry in _open)
            {
                if (entry.Deliveries.TryGetValue(handler, out var delivery) && delivery.Outcome == EscalationDeliveryOutcome.Retry
                    && (next is null || delivery.NextAttemptAt < next))
                {
                    next = delivery.NextAttemptAt;
                }
            }
        }

        return new ValueTask<DateTimeOffset?>(next);
    }

    /// <inheritdoc />
    public ValueTask RecordAsync(string handler, EscalationDeliveryResult result, CancellationToken cancellationToken = default)
    {
        if (result is null)
        {
            throw new ArgumentNullException(nameof(result));
        }

        lock (_gate)
        {
            if (!_entries.TryGetValue(result.IdempotencyKey, out var entry) || !entry.Deliveries.TryGetValue(handler, out var delivery)
                || delivery.Outcome != EscalationDeliveryOutcome.Retry)
            {
                return default;
            }

            delivery.Attempts = result.Attempts;
            delivery.Outcome = result.Outcome;
            delivery.NextAttemptAt = result.NextAttemptAt ?? result.At;
            if (result.Outcome != EscalationDeliveryOutcome.Retry && --entry.OpenDeliveries == 0)
            {
                _open.Remove(entry);
                Finish(entry);
            }
        }

        return default;
    }

    /// <summary>Releases the capacity semaphore.</summary>
    public void Dispose() => _slots.Dispose();

    private static void Validate(EscalationEvent escalation, IReadOnlyList<string> handlers)
    {
        if (escalation is null)
        {
            throw new ArgumentNullException(nameof(escalation));
        }

        if (string.IsNullOrEmpty(escalation.IdempotencyKey))
        {
            throw new ArgumentException("escalation.IdempotencyKey must not be empty.", nameof(escalation));
        }

        if (handlers is null)
        {
            throw new ArgumentNullException(nameof(handlers));
        }
    }

    // Called under the lock once no handler is still owed this escalation.
    private void Finish(Entry entry)
    {
        _slots.Release();
        _finished.Enqueue(entry.Escalation.IdempotencyKey);
        while (_finished.Count > KeyHistory)
        {
            _entries.Remove(_finished.Dequeue());
        }
    }

    private sealed class Entry(EscalationEvent escalation, long sequence)
    {
        public EscalationEvent Escalation { get; } = escalation;

        public long Sequence { get; } = sequence;

        public Dictionary<string, Delivery> Deliveries { get; } = new(StringComparer.Ordinal);

        public int OpenDeliveries { get; set; }
    }

    private sealed class Delivery
    {
        // Retry doubles as "pending": a new delivery is due at once.
        public EscalationDeliveryOutcome Outcome { get; set; } = EscalationDeliveryOutcome.Retry;

        public int Attempts { get; set; }

        public DateTimeOffset NextAttemptAt { get; set; }
    }
}
