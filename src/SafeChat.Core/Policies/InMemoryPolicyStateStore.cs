namespace SafeChat.Policies;

/// <summary>
/// The default <see cref="IPolicyStateStore"/> for one process: bounded (least recently used latches are evicted
/// first) and expiring (a latch untouched for <see cref="IdleExpiry"/>, and past its cooldown, is forgotten).
/// Forgetting a latch only re-arms it, so the worst case of eviction is one repeated nudge or escalation.
/// Sender holds (<see cref="ISenderHoldStore"/>) are kept apart and never evicted: only a reviewer lifts them.
/// </summary>
public sealed class InMemoryPolicyStateStore : IPolicyStateStore, ISenderHoldStore
{
    private readonly object _gate = new();
    private readonly Dictionary<PolicyStateKey, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private readonly Dictionary<(string Conversation, string User), SenderHold> _holds = [];
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a store.</summary>
    /// <param name="timeProvider">The clock used for expiry; defaults to the system clock.</param>
    /// <param name="capacity">The most latches kept (default 100,000).</param>
    /// <param name="idleExpiry">How long an untouched latch is kept after its cooldown (default 7 days).</param>
    public InMemoryPolicyStateStore(TimeProvider? timeProvider = null, int capacity = 100_000, TimeSpan? idleExpiry = null)
    {
        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must be at least 1.");
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        Capacity = capacity;
        IdleExpiry = idleExpiry ?? TimeSpan.FromDays(7);
    }

    /// <summary>The most latches kept.</summary>
    public int Capacity { get; }

    /// <summary>How long an untouched latch is kept (never less than its cooldown).</summary>
    public TimeSpan IdleExpiry { get; }

    /// <summary>The number of latches held now (expired ones may still be counted until touched or evicted).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> TryFireAsync(PolicyStateKey key, DateTimeOffset now, TimeSpan cooldown, CancellationToken cancellationToken = default)
    {
        var clock = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node) && !IsExpired(node.Value, clock))
            {
                var entry = node.Value;
                Touch(node, clock);
                if (!entry.Cleared || now - entry.FiredAt < cooldown)
                {
                    return new ValueTask<bool>(false);
                }

                entry.FiredAt = now;
                entry.Cooldown = cooldown;
                entry.Cleared = false;
                return new ValueTask<bool>(true);
            }

            if (node is not null)
            {
                Remove(node);
            }

            EnsureRoom(clock);
            var created = new Entry(key) { FiredAt = now, Cooldown = cooldown, LastTouched = clock };
            _entries[key] = _recency.AddFirst(created);
            return new ValueTask<bool>(true);
        }
    }

    /// <inheritdoc />
    public ValueTask MarkClearedAsync(PolicyStateKey key, CancellationToken cancellationToken = default)
    {
        var clock = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node) && !node.Value.Cleared)
            {
                node.Value.Cleared = true;
                Touch(node, clock);
            }
        }

        return default;
    }

    /// <inheritdoc />
    public ValueTask PlaceHoldAsync(string conversationId, string userId, SenderHold hold, CancellationToken cancellationToken = default)
    {
        if (hold is null)
        {
            throw new ArgumentNullException(nameof(hold));
        }

        lock (_gate)
        {
            var key = (conversationId ?? string.Empty, userId ?? string.Empty);
            if (!_holds.ContainsKey(key))
            {
                _holds[key] = hold;
            }
        }

        return default;
    }

    /// <inheritdoc />
    public ValueTask<SenderHold?> GetHoldAsync(string conversationId, string userId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return new ValueTask<SenderHold?>(_holds.Count > 0 && _holds.TryGetValue((conversationId ?? string.Empty, userId ?? string.Empty), out var hold) ? hold : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> LiftHoldAsync(string conversationId, string userId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return new ValueTask<bool>(_holds.Remove((conversationId ?? string.Empty, userId ?? string.Empty)));
        }
    }

    private void Touch(LinkedListNode<Entry> node, DateTimeOffset clock)
    {
        node.Value.LastTouched = clock;
        if (node != _recency.First)
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
        }
    }

    private void EnsureRoom(DateTimeOffset clock)
    {
        // Drop expired latches from the cold end first, then the least recently used if still full.
        while (_recency.Last is { } last && IsExpired(last.Value, clock))
        {
            Remove(last);
        }

        while (_entries.Count >= Capacity && _recency.Last is { } oldest)
        {
            Remove(oldest);
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Key);
    }

    private bool IsExpired(Entry entry, DateTimeOffset clock) =>
        clock - entry.LastTouched > (IdleExpiry > entry.Cooldown ? IdleExpiry : entry.Cooldown);

    private sealed class Entry(PolicyStateKey key)
    {
        public PolicyStateKey Key { get; } = key;

        public DateTimeOffset FiredAt { get; set; }

        public TimeSpan Cooldown { get; set; }

        public bool Cleared { get; set; }

        public DateTimeOffset LastTouched { get; set; }
    }
}
