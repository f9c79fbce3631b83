namespace SafeChat.State;

/// <summary>
/// A thread-safe map with a hard capacity (least-recently-used eviction) and per-entry idle expiry.
/// Keys are spread over a few independently locked shards; small capacities use one shard so eviction is exact LRU,
/// large ones (≥ 8,192) use up to 16 shards, each exact LRU over its share of the capacity.
/// The total never exceeds the capacity. Expired entries are dropped when touched and swept from the LRU tail on every access.
/// </summary>
internal sealed class ExpiringLruCache<TValue>
    where TValue : class
{
    private const int EntriesPerShardBeforeSplitting = 4096;
    private const int MaxShards = 16;

    private readonly Shard[] _shards;
    private readonly TimeProvider _timeProvider;

    // Called (under the shard lock) with an entry that leaves because it idled out or the cache was full, and whether
    // its last touch carried an explicit (replayed) time; never for Remove.
    private readonly Action<string, TValue, bool>? _onDropped;

    public ExpiringLruCache(int capacity, TimeProvider timeProvider, Action<string, TValue, bool>? onDropped = null)
        : this(capacity, timeProvider, onDropped, null, 0)
    {
    }

    // weigher/weightCapacity: an optional second bound. After each Update the touched entry is weighed; while its shard's
    // total weight exceeds the shard's share of weightCapacity, the shard's least recently used other entries are dropped.
    public ExpiringLruCache(int capacity, TimeProvider timeProvider, Action<string, TValue, bool>? onDropped, Func<TValue, int>? weigher, long weightCapacity)
    {
        _onDropped = onDropped;
        _weigher = weigher;
        if (weigher is not null && weightCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(weightCapacity), weightCapacity, "The weight capacity must be at least 1.");
        }

        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must be at least 1.");
        }

        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        var shardCount = Math.Max(1, Math.Min(MaxShards, capacity / EntriesPerShardBeforeSplitting));
        _shards = new Shard[shardCount];
        for (var i = 0; i < shardCount; i++)
        {
            _shards[i] = new Shard(capacity / shardCount + (i < capacity % shardCount ? 1 : 0))
            {
                WeightCapacity = weigher is null ? long.MaxValue : Math.Max(1, weightCapacity / shardCount + (i < weightCapacity % shardCount ? 1 : 0)),
            };
        }
    }

    private readonly Func<TValue, int>? _weigher;

    /// <summary>The total weight held (see the weighing constructor); 0 without a weigher.</summary>
    public long Weight
    {
        get
        {
            long total = 0;
            foreach (var shard in _shards)
            {
                lock (shard.Gate)
                {
                    total += shard.Weight;
                }
            }

            return total;
        }
    }

    private int _evictions;

    /// <summary>How many live entries were dropped because the cache was full.</summary>
    public int Evictions => Volatile.Read(ref _evictions);

    public int Count
    {
        get
        {
            var total = 0;
            foreach (var shard in _shards)
            {
                lock (shard.Gate)
                {
                    total += shard.Map.Count;
                }
            }

            return total;
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> on the key's live value (creating it with <paramref name="factory"/> when missing or
    /// expired) under the shard lock, marks the entry most recently used and extends its expiry by <paramref name="idleTimeout"/>.
    /// </summary>
    public TResult Update<TArg, TResult>(string key, TimeSpan idleTimeout, Func<TValue> factory, TArg arg, Func<TValue, TArg, TResult> action)
    {
        var shard = ShardFor(key);
        var now = _timeProvider.GetUtcNow().UtcTicks;
        lock (shard.Gate)
        {
            SweepTail(shard, now);
            if (shard.Map.TryGetValue(key, out var node))
            {
                if (node.ExpiresAtTicks <= now)
                {
                    node.Value = factory();
                }

                MoveToHead(shard, node);
            }
            else
            {
                if (shard.Map.Count >= shard.Capacity && shard.Tail is { } victim)
                {
                    Drop(shard, victim);
                    Interlocked.Increment(ref _evictions);
                }

                node = new Node(key, factory());
                shard.Map.Add(key, node);
                AddToHead(shard, node);
            }

            node.ExpiresAtTicks = SaturatingAdd(now, idleTimeout.Ticks);
            node.Replayed = false;
            var result = action(node.Value, arg);
            if (_weigher is not null)
            {
                Reweigh(shard, node);
            }

            return result;
        }
    }

    /// <summary>
    /// Like <see cref="Update{TArg,TResult}(string,TimeSpan,Func{TValue},TArg,Func{TValue,TArg,TResult})"/>, with an
    /// explicit time and a factory that sees the entry's expired value (null when there was none). With
    /// <paramref name="atTicks"/> the entry's own expiry is judged by that time, nothing else is swept in passing (other
    /// entries may live on other timelines), and <see cref="Peek{TArg,TResult}"/> trusts the entry until it is touched
    /// again; without it the clock is used as in the other overload.
    /// </summary>
    public TResult Update<TArg, TResult>(string key, TimeSpan idleTimeout, long? atTicks, Func<string, TValue?, long, TArg, TValue> resume, TArg arg, Func<TValue, TArg, TResult> action) =>
        Update(ShardIndexOf(key), key, idleTimeout, atTicks, resume, arg, action);

    /// <summary>
    /// <see cref="Update{TArg,TResult}(string,TimeSpan,long?,Func{string,TValue,long,TArg,TValue},TArg,Func{TValue,TArg,TResult})"/>
    /// with the key's <see cref="ShardIndexOf"/> already known (the caller needed it too).
    /// </summary>
    public TResult Update<TArg, TResult>(int shardIndex, string key, TimeSpan idleTimeout, long? atTicks, Func<string, TValue?, long, TArg, TValue> resume, TArg arg, Func<TValue, TArg, TResult> action)
    {
        var shard = _shards[shardIndex];
        var now = atTicks ?? _timeProvider.GetUtcNow().UtcTicks;
        lock (shard.Gate)
        {
            if (atTicks is null)
            {
                SweepTail(shard, now);
            }

            if (shard.Map.TryGetValue(key, out var node))
            {
                if (node.ExpiresAtTicks <= now)
                {
                    node.Value = resume(key, node.Value, now, arg);
                }

                MoveToHead(shard, node);
            }
            else
            {
                if (shard.Map.Count >= shard.Capacity && shard.Tail is { } victim)
                {
                    Drop(shard, victim);
                    Interlocked.Increment(ref _evictions);
                }

                node = new Node(key, resume(key, null, now, arg));
                shard.Map.Add(key, node);
                AddToHead(shard, node);
            }

            node.ExpiresAtTicks = SaturatingAdd(now, idleTimeout.Ticks);
            node.Replayed = atTicks is not null;
            return action(node.Value, arg);
        }
    }

    /// <summary>Adds or replaces an entry that expires at <paramref name="expiresAtTicks"/>; sweeps the tail by the clock when asked.</summary>
    public void Put(string key, TValue value, long expiresAtTicks, bool sweep)
    {
        var shard = ShardFor(key);
        lock (shard.Gate)
        {
            if (sweep)
            {
                SweepTail(shard, _timeProvider.GetUtcNow().UtcTicks);
            }

            if (shard.Map.TryGetValue(key, out var node))
            {
                node.Value = value;
                MoveToHead(shard, node);
            }
            else
            {
                if (shard.Map.Count >= shard.Capacity && shard.Tail is { } victim)
                {
                    Drop(shard, victim);
                    Interlocked.Increment(ref _evictions);
                }

                node = new Node(key, value);
                shard.Map.Add(key, node);
                AddToHead(shard, node);
            }

            node.ExpiresAtTicks = expiresAtTicks;
        }
    }

    /// <summary>Removes and returns the entry when it is live at <paramref name="nowTicks"/>; drops it and returns null when it expired.</summary>
    public TValue? Take(string key, long nowTicks)
    {
        var shard = ShardFor(key);
        lock (shard.Gate)
        {
            if (!shard.Map.TryGetValue(key, out var node))
            {
                return null;
            }

            RemoveNode(shard, node);
            return node.ExpiresAtTicks > nowTicks ? node.Value : null;
        }
    }

    /// <summary>Runs <paramref name="action"/> on the live value without creating, touching or extending it; null when absent.</summary>
    public TResult Peek<TArg, TResult>(string key, TArg arg, Func<TValue?, TArg, TResult> action)
    {
        var shard = ShardFor(key);
        var now = _timeProvider.GetUtcNow().UtcTicks;
        lock (shard.Gate)
        {
            var value = shard.Map.TryGetValue(key, out var node) && (node.Replayed || node.ExpiresAtTicks > now) ? node.Value : null;
            return action(value, arg);
        }
    }

    public bool Remove(string key)
    {
        var shard = ShardFor(key);
        lock (shard.Gate)
        {
            if (!shard.Map.TryGetValue(key, out var node))
            {
                return false;
            }

            RemoveNode(shard, node);
            return true;
        }
    }

    /// <summary>
    /// Removes the entry for <paramref name="key"/>, if any, and hands its value to <paramref name="onRemoved"/> while the
    /// key's shard is still locked (see <see cref="ShardIndexOf"/>); returns whether there was one.
    /// </summary>
    public bool Remove<TArg>(string key, TArg arg, Action<TValue, TArg> onRemoved)
    {
        var shard = ShardFor(key);
        lock (shard.Gate)
        {
            if (!shard.Map.TryGetValue(key, out var node))
            {
                return false;
            }

            RemoveNode(shard, node);
            onRemoved(node.Value, arg);
            return true;
        }
    }

    /// <summary>Drops every expired entry; returns how many were dropped.</summary>
    public int RemoveExpired()
    {
        var now = _timeProvider.GetUtcNow().UtcTicks;
        var removed = 0;
        foreach (var shard in _shards)
        {
            lock (shard.Gate)
            {
                var node = shard.Tail;
                while (node is not null)
                {
                    var previous = node.Previous;
                    if (node.ExpiresAtTicks <= now)
                    {
                        Drop(shard, node);
                        removed++;
                    }

                    node = previous;
                }
            }
        }

        return removed;
    }

    // A stable hash (FNV-1a over the UTF-16 code units), not the per-process randomized string hash: which entries share
    // a shard, and so which one a full shard evicts, is the same in every run.
    private Shard ShardFor(string key) => _shards[ShardIndexOf(key)];

    /// <summary>How many independently locked shards the cache has.</summary>
    public int ShardCount => _shards.Length;

    /// <summary>
    /// The shard a key belongs to, in [0, <see cref="ShardCount"/>): the callbacks of two keys with the same shard index
    /// run under the same lock, so state kept per shard index may be touched from them without a lock of its own.
    /// </summary>
    public int ShardIndexOf(string key)
    {
        if (_shards.Length == 1)
        {
            return 0;
        }

        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)_shards.Length);
    }

    // Re-weighs the entry just updated and drops the shard's least recently used other entries while over its weight share.
    private void Reweigh(Shard shard, Node node)
    {
        var weight = _weigher!(node.Value);
        shard.Weight += weight - node.Weight;
        node.Weight = weight;
        while (shard.Weight > shard.WeightCapacity && shard.Tail is { } victim && victim != node)
        {
            Drop(shard, victim);
            Interlocked.Increment(ref _evictions);
        }
    }

    private static long SaturatingAdd(long ticks, long delta) =>
        delta > 0 && ticks > long.MaxValue - delta ? long.MaxValue : ticks + delta;

    // The tail is the least recently touched entry; with one idle timeout it is also the first to expire.
    // A couple of removals per access keeps idle entries from piling up without a background timer.
    private void SweepTail(Shard shard, long now)
    {
        for (var i = 0; i < 2 && shard.Tail is { } tail && tail.ExpiresAtTicks <= now; i++)
        {
            Drop(shard, tail);
        }
    }

    // An entry leaves for expiry or capacity: the owner may keep a compact form of it (see the constructor).
    private void Drop(Shard shard, Node node)
    {
        RemoveNode(shard, node);
        _onDropped?.Invoke(node.Key, node.Value, node.Replayed);
    }

    private static void AddToHead(Shard shard, Node node)
    {
        node.Previous = null;
        node.Next = shard.Head;
        if (shard.Head is not null)
        {
            shard.Head.Previous = node;
        }

        shard.Head = node;
        shard.Tail ??= node;
    }

    private static void Unlink(Shard shard, Node node)
    {
        if (node.Previous is not null)
        {
            node.Previous.Next = node.Next;
        }
        else
        {
            shard.Head = node.Next;
        }

        if (node.Next is not null)
        {
            node.Next.Previous = node.Previous;
        }
        else
        {
            shard.Tail = node.Previous;
        }

        node.Previous = null;
        node.Next = null;
    }

    private static void MoveToHead(Shard shard, Node node)
    {
        if (shard.Head == node)
        {
            return;
        }

        Unlink(shard, node);
        AddToHead(shard, node);
    }

    private static void RemoveNode(Shard shard, Node node)
    {
        Unlink(shard, node);
        shard.Weight -= node.Weight;
        node.Weight = 0;
        shard.Map.Remove(node.Key);
    }

    private sealed class Shard(int capacity)
    {
        // System.Threading.Lock where there is one: the same mutual exclusion as a monitor on an object, without the
        // object's sync block (once a monitor is contended, every later Enter on it takes the runtime's slow path).
#if NET9_0_OR_GREATER
        public readonly Lock Gate = new();
#else
        public readonly object Gate = new();
#endif
        public readonly Dictionary<string, Node> Map = new(StringComparer.Ordinal);
        public readonly int Capacity = capacity;
        public long WeightCapacity = long.MaxValue;
        public long Weight;
        public Node? Head;
        public Node? Tail;
    }

    private sealed class Node(string key, TValue value)
    {
        public readonly string Key = key;
        public TValue Value = value;
        public long ExpiresAtTicks;
        public bool Replayed;
        public int Weight;
        public Node? Previous;
        public Node? Next;
    }
}
