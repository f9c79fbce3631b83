using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace SafeChat.Inference.Caching;

/// <summary>
/// A bounded, thread-safe map from a text to a value computed from that text alone (a message's model outputs), for
/// chat where the same short lines come again and again ("gg", "lol", "?"). It stores no text: each entry is the text's
/// 128-bit keyed hash (SipHash-1-3, <see cref="SipHash128"/>, under a random key drawn per cache, so collisions cannot be made on
/// purpose and happen by chance with probability about n²/2¹²⁹) and the value. At most <see cref="Capacity"/> entries;
/// beyond it the CLOCK policy (second chance: an entry read since the hand last passed it is kept once more) evicts.
/// Entries are spread over independently locked shards by their hash.
/// </summary>
/// <typeparam name="TValue">The cached value; must be immutable, since every hit shares the same instance.</typeparam>
internal sealed class TextOutputCache<TValue>
    where TValue : class
{
    private const int EntriesPerShardBeforeSplitting = 1024;
    private const int MaxShards = 16;

    private readonly Shard[] _shards;
    private readonly ulong _k0;
    private readonly ulong _k1;

    /// <summary>Creates an empty cache holding at most <paramref name="capacity"/> entries.</summary>
    public TextOutputCache(int capacity)
    {
        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must be at least 1.");
        }

        Capacity = capacity;
        int shards = Math.Max(1, Math.Min(MaxShards, capacity / EntriesPerShardBeforeSplitting));
        _shards = new Shard[shards];
        for (int i = 0; i < shards; i++)
        {
            _shards[i] = new Shard((capacity / shards) + (i < capacity % shards ? 1 : 0));
        }

        var key = new byte[16];
        using (var random = RandomNumberGenerator.Create())
        {
            random.GetBytes(key);
        }

        _k0 = BitConverter.ToUInt64(key, 0);
        _k1 = BitConverter.ToUInt64(key, 8);
    }

    /// <summary>The most entries held.</summary>
    public int Capacity { get; }

    /// <summary>How many entries are held now.</summary>
    public int Count
    {
        get
        {
            int count = 0;
            foreach (var shard in _shards)
            {
                lock (shard.Gate)
                {
                    count += shard.Count;
                }
            }

            return count;
        }
    }

    /// <summary>How many lookups found their entry.</summary>
    public long Hits => Sum(static s => s.Hits);

    /// <summary>How many lookups found nothing.</summary>
    public long Misses => Sum(static s => s.Misses);

    /// <summary>How many entries were evicted to make room.</summary>
    public long Evictions => Sum(static s => s.Evictions);

    /// <summary>The cache key of <paramref name="text"/> (its keyed hash; the text itself is not kept).</summary>
    public TextKey KeyOf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SipHash128.Hash13(MemoryMarshal.AsBytes(text.AsSpan()), _k0, _k1);
    }

    /// <summary>The cache key of arbitrary content (for values computed from bytes rather than a text).</summary>
    public TextKey KeyOf(ReadOnlySpan<byte> content) => SipHash128.Hash13(content, _k0, _k1);

    /// <summary>
    /// Reads the table slots where the lookups of <paramref name="keys"/> start, without taking the lock: a hint that
    /// changes nothing. Called for the keys of a batch before their lookups, it lets their memory waits overlap (each
    /// locked lookup is a full fence, so lookups one after another wait for memory one at a time).
    /// </summary>
    public void Warm(ReadOnlySpan<TextKey> keys)
    {
        ulong seen = 0;
        foreach (var key in keys)
        {
            var shard = ShardFor(key);
            seen ^= shard.Table[(int)key.Low & shard.Mask].Low;
        }

        t_warmed ^= seen;
    }

    // Where Warm's reads go, so that they are not dropped as unused (per thread: no cache line shared between threads).
    [ThreadStatic]
    private static ulong t_warmed;

    /// <summary>Looks <paramref name="key"/> up; a hit marks the entry as recently used.</summary>
    public bool TryGet(TextKey key, out TValue value)
    {
        var shard = ShardFor(key);
        lock (shard.Gate)
        {
            int position = shard.Find(key);
            if (position >= 0)
            {
                ref var bucket = ref shard.Table[position];
                bucket.Referenced = true;
                shard.Hits++;
                value = bucket.Value!;
                return true;
            }

            shard.Misses++;
        }

        value = null!;
        return false;
    }

    /// <summary>Adds (or replaces) the value of <paramref name="key"/>, evicting by CLOCK when the shard is full.</summary>
    public void Add(TextKey key, TValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var shard = ShardFor(key);
        lock (shard.Gate)
        {
            int existing = shard.Find(key);
            if (existing >= 0)
            {
                shard.Table[existing].Value = value;
                return;
            }

            int slot;
            if (shard.Count < shard.Capacity)
            {
                slot = shard.Count++;
            }
            else
            {
                // Second chance: clear the referenced bits the hand passes until it finds an entry not read since.
                while (shard.Table[shard.PositionOf[shard.Hand]].Referenced)
                {
                    shard.Table[shard.PositionOf[shard.Hand]].Referenced = false;
                    shard.Hand = (shard.Hand + 1) % shard.Capacity;
                }

                slot = shard.Hand;
                shard.Hand = (shard.Hand + 1) % shard.Capacity;
                shard.RemoveAt(shard.PositionOf[slot]);
                shard.Evictions++;
            }

            shard.Insert(key, value, slot);
        }
    }

    /// <summary>Drops every entry (the counters are kept).</summary>
    public void Clear()
    {
        foreach (var shard in _shards)
        {
            lock (shard.Gate)
            {
                Array.Clear(shard.Table, 0, shard.Table.Length);
                shard.Count = 0;
                shard.Hand = 0;
            }
        }
    }

    private Shard ShardFor(TextKey key) => _shards.Length == 1 ? _shards[0] : _shards[(int)(key.High % (ulong)_shards.Length)];

    private long Sum(Func<Shard, long> counter)
    {
        long total = 0;
        foreach (var shard in _shards)
        {
            lock (shard.Gate)
            {
                total += counter(shard);
            }
        }

        return total;
    }

    /// <summary>
    /// One independently locked part of the cache: an open-addressing table (linear probing from the key's low bits, at
    /// most half full) whose buckets hold the key, the value and the CLOCK bit together, so a lookup reads one place;
    /// and the CLOCK order over entry slots, each slot knowing its bucket.
    /// </summary>
    private sealed class Shard
    {
        // System.Threading.Lock where there is one: the same mutual exclusion as a monitor on an object, without the
        // object's sync block (once a monitor is contended, every later Enter on it takes the runtime's slow path).
#if NET9_0_OR_GREATER
        public readonly Lock Gate = new();
#else
        public readonly object Gate = new();
#endif
        public readonly Bucket[] Table;
        public readonly int[] PositionOf;
        public readonly int Capacity;
        public readonly int Mask;
        public int Count;
        public int Hand;
        public long Hits;
        public long Misses;
        public long Evictions;

        public Shard(int capacity)
        {
            Capacity = capacity;
            // The smallest power of two >= 2 x capacity (a loop: BitOperations is not public on netstandard2.1).
            int size = 2;
            while (size < capacity * 2)
            {
                size <<= 1;
            }
            Table = new Bucket[size];
            Mask = size - 1;
            PositionOf = new int[capacity];
        }

        /// <summary>The bucket position of <paramref name="key"/>, or -1.</summary>
        public int Find(TextKey key)
        {
            int position = (int)key.Low & Mask;
            while (true)
            {
                ref var bucket = ref Table[position];
                if (bucket.Slot == 0)
                {
                    return -1;
                }

                if (bucket.Low == key.Low && bucket.High == key.High)
                {
                    return position;
                }

                position = (position + 1) & Mask;
            }
        }

        /// <summary>Puts a key that is not in the table into the first free bucket of its probe run, for entry <paramref name="slot"/>.</summary>
        public void Insert(TextKey key, TValue value, int slot)
        {
            int position = (int)key.Low & Mask;
            while (Table[position].Slot != 0)
            {
                position = (position + 1) & Mask;
            }

            Table[position] = new Bucket { Low = key.Low, High = key.High, Value = value, Slot = slot + 1 };
            PositionOf[slot] = position;
        }

        /// <summary>Empties the bucket at <paramref name="position"/>, shifting later buckets of the run back so every key stays reachable.</summary>
        public void RemoveAt(int position)
        {
            int hole = position;
            int next = position;
            while (true)
            {
                Table[hole] = default;
                while (true)
                {
                    next = (next + 1) & Mask;
                    ref var bucket = ref Table[next];
                    if (bucket.Slot == 0)
                    {
                        return;
                    }

                    // A bucket whose home lies cyclically in (hole, next] is still reachable; any other moves into the hole.
                    int home = (int)bucket.Low & Mask;
                    bool reachable = hole <= next ? hole < home && home <= next : hole < home || home <= next;
                    if (!reachable)
                    {
                        Table[hole] = bucket;
                        PositionOf[bucket.Slot - 1] = hole;
                        hole = next;
                        break;
                    }
                }
            }
        }
    }

    /// <summary>A table bucket: the key's halves, the value, the CLOCK bit, and the entry slot + 1 (0 when empty).</summary>
    private struct Bucket
    {
        public ulong Low;
        public ulong High;
        public TValue? Value;
        public int Slot;
        public bool Referenced;
    }
}
