using SafeChat.Policies;

namespace SafeChat.State;

/// <summary>
/// The default <see cref="IUserStateStore"/>: process memory, bounded by a user cap with least-recently-used eviction,
/// idle expiry, per-user contact sets capped at <see cref="MaxContactsPerUser"/> entries (the stalest contact is
/// dropped beyond it), and a global budget of <see cref="MaxTotalContacts"/> contact slots across all users (the least
/// recently active users are dropped beyond it), so memory stays flat however many users and conversations stream
/// through. Messages in the last hour are counted in one-minute buckets. Thread-safe.
/// </summary>
/// <remarks>
/// The counters (<see cref="UserCounters.DistinctMinorsContacted24h"/>, <see cref="UserCounters.DistinctConversations24h"/>,
/// <see cref="UserCounters.MessagesLastHour"/>) count what the store still remembers: exact for a user who stays within
/// the per-user cap and was not dropped, and a lower bound otherwise (a user dropped by the user cap or the contact budget
/// starts again from zero at their next message; a set at its cap counts at most the cap). The budget is split evenly over
/// the store's internal shards (users are spread by a stable hash of their id), so eviction is the same in every run and
/// for any thread count when messages are recorded in the same order.
/// </remarks>
public sealed class InMemoryUserStateStore : IUserStateStore
{
    /// <summary>The default cap on users kept in memory.</summary>
    public const int DefaultMaxUsers = 100_000;

    /// <summary>The default idle time after which a user's state is dropped (one day plus an hour of slack).</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromHours(25);

    /// <summary>The default cap on distinct minors and on distinct conversations remembered per user.</summary>
    public const int DefaultMaxContactsPerUser = 1024;

    /// <summary>
    /// The default budget of contact slots (distinct minors plus distinct conversations) held across all users: about
    /// 50 bytes each, so about 25 MiB.
    /// </summary>
    public const int DefaultMaxTotalContacts = 524_288;

    private static readonly long DayTicks = TimeSpan.FromHours(24).Ticks;

    private readonly ExpiringLruCache<UserState> _users;
    private readonly TimeSpan _idleTimeout;

    /// <summary>Creates a store.</summary>
    /// <param name="maxUsers">The most users kept; the least recently active one is dropped beyond it.</param>
    /// <param name="idleTimeout">How long an idle user's state is kept; at least 24 hours so the daily counters hold.</param>
    /// <param name="maxContactsPerUser">The cap on distinct minors and on distinct conversations remembered per user.</param>
    /// <param name="timeProvider">The clock for idle expiry; <see cref="TimeProvider.System"/> when null.</param>
    public InMemoryUserStateStore(
        int maxUsers = DefaultMaxUsers,
        TimeSpan? idleTimeout = null,
        int maxContactsPerUser = DefaultMaxContactsPerUser,
        TimeProvider? timeProvider = null)
        : this(maxUsers, idleTimeout, maxContactsPerUser, DefaultMaxTotalContacts, timeProvider)
    {
    }

    /// <summary>Creates a store with a contact budget.</summary>
    /// <param name="maxUsers">The most users kept; the least recently active one is dropped beyond it.</param>
    /// <param name="idleTimeout">How long an idle user's state is kept; at least 24 hours so the daily counters hold.</param>
    /// <param name="maxContactsPerUser">The cap on distinct minors and on distinct conversations remembered per user.</param>
    /// <param name="maxTotalContacts">
    /// The budget of contact slots held across all users (each user's minors and conversations sets, counted by the slots
    /// they hold); the least recently active users are dropped beyond it.
    /// </param>
    /// <param name="timeProvider">The clock for idle expiry; <see cref="TimeProvider.System"/> when null.</param>
    public InMemoryUserStateStore(int maxUsers, TimeSpan? idleTimeout, int maxContactsPerUser, int maxTotalContacts, TimeProvider? timeProvider)
    {
        if (maxUsers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxUsers), maxUsers, "maxUsers must be at least 1.");
        }

        _idleTimeout = idleTimeout ?? DefaultIdleTimeout;
        if (_idleTimeout < TimeSpan.FromHours(24))
        {
            throw new ArgumentOutOfRangeException(nameof(idleTimeout), _idleTimeout, "idleTimeout must be at least 24 hours, the longest counter window.");
        }

        if (maxContactsPerUser < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxContactsPerUser), maxContactsPerUser, "maxContactsPerUser must be at least 1.");
        }

        if (maxTotalContacts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTotalContacts), maxTotalContacts, "maxTotalContacts must be at least 1.");
        }

        MaxContactsPerUser = maxContactsPerUser;
        MaxTotalContacts = maxTotalContacts;
        _users = new ExpiringLruCache<UserState>(maxUsers, timeProvider ?? TimeProvider.System, null, static state => state.Slots, maxTotalContacts);
    }

    /// <summary>The budget of contact slots held across all users (see the class remarks).</summary>
    public int MaxTotalContacts { get; }

    /// <summary>How many contact slots all held users take (the figure <see cref="MaxTotalContacts"/> bounds).</summary>
    public long ContactSlots => _users.Weight;

    /// <summary>The cap on distinct minors and on distinct conversations remembered per user.</summary>
    public int MaxContactsPerUser { get; }

    /// <summary>How many users are held (expired ones not yet swept included).</summary>
    public int Count => _users.Count;

    /// <summary>How many live users were dropped because the user cap or the contact budget was reached.</summary>
    public int Evictions => _users.Evictions;

    /// <summary>Drops every idle-expired user now; returns how many were dropped.</summary>
    public int RemoveExpired() => _users.RemoveExpired();

    /// <inheritdoc />
    public ValueTask<UserCounters> RecordMessageAsync(UserActivity activity, CancellationToken cancellationToken = default)
    {
        if (activity is null)
        {
            throw new ArgumentNullException(nameof(activity));
        }

        return new(RecordMessage(activity.UserId, activity.ConversationId, activity.MinorRecipientIds, activity.At, cancellationToken));
    }

    /// <summary>
    /// <see cref="RecordMessageAsync"/> of a <see cref="UserActivity"/> with these members, without the activity record and
    /// the task: this store always completes at once (the engine's fast path).
    /// </summary>
    internal UserCounters RecordMessage(string userId, string conversationId, IReadOnlyList<string> minorRecipientIds, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(userId))
        {
            throw new ArgumentException("UserId must be a non-empty string.", "activity");
        }

        if (string.IsNullOrEmpty(conversationId))
        {
            throw new ArgumentException("ConversationId must be a non-empty string.", "activity");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var cap = MaxContactsPerUser;
        var counters = _users.Update(
            userId,
            _idleTimeout,
            static () => new UserState(),
            (userId, conversationId, minorRecipientIds, at, cap),
            static (state, arg) => state.Record(arg.userId, arg.conversationId, arg.minorRecipientIds, arg.at, arg.cap));
        return counters;
    }

    /// <inheritdoc />
    public ValueTask<UserCounters> GetCountersAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        new(GetCounters(userId, at, cancellationToken));

    /// <summary><see cref="GetCountersAsync"/> without the task (see <see cref="RecordMessage"/>).</summary>
    internal UserCounters GetCounters(string userId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(userId))
        {
            throw new ArgumentException("The user id must be a non-empty string.", nameof(userId));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return _users.Peek(userId, at.UtcTicks, static (state, now) => state?.Counters(now) ?? new UserCounters());
    }

    private sealed class UserState
    {
        private const int Buckets = 60;
        private static readonly long MinuteTicks = TimeSpan.FromMinutes(1).Ticks;

        private readonly ContactSet _minors = new();
        private readonly ContactSet _conversations = new();
        private readonly long[] _bucketMinute = new long[Buckets];
        private readonly int[] _bucketCount = new int[Buckets];

        // The contact slots this user holds (the arrays never shrink, so this is the memory it keeps, not the live count).
        public int Slots => _minors.Capacity + _conversations.Capacity;

        public UserCounters Record(string userId, string conversationId, IReadOnlyList<string> minorRecipientIds, DateTimeOffset at, int cap)
        {
            var now = at.UtcTicks;
            _conversations.Touch(conversationId, now, cap);
            if (minorRecipientIds.Count > 0)
            {
                foreach (var minor in minorRecipientIds)
                {
                    if (!string.IsNullOrEmpty(minor) && !string.Equals(minor, userId, StringComparison.Ordinal))
                    {
                        _minors.Touch(minor, now, cap);
                    }
                }
            }

            var minute = now / MinuteTicks;
            var slot = (int)(minute % Buckets);
            if (_bucketMinute[slot] != minute)
            {
                _bucketMinute[slot] = minute;
                _bucketCount[slot] = 0;
            }

            _bucketCount[slot]++;
            if (_hourValid && _hourMinute == minute)
            {
                // The sum for this minute before the message, plus the message: its bucket is the one of this minute (a
                // bucket it replaced held an older minute of the same slot, which the last hour did not count).
                _hourCount++;
            }
            else
            {
                _hourValid = false;
            }

            return Counters(now);
        }

        public UserCounters Counters(long now)
        {
            var minute = now / MinuteTicks;
            return new UserCounters
            {
                DistinctMinorsContacted24h = _minors.CountSince(now - DayTicks),
                DistinctConversations24h = _conversations.CountSince(now - DayTicks),
                MessagesLastHour = LastHour(minute),
            };
        }

        // The messages of the 60 buckets whose minute lies in (minute - 60, minute]; the last sum is kept for its minute
        // (a user's next message usually comes in the same minute), so the buckets are summed again only for a new minute.
        private int LastHour(long minute)
        {
            if (_hourValid && _hourMinute == minute)
            {
                return _hourCount;
            }

            var lastHour = 0;
            var i = 0;
#if NET
            if (System.Numerics.Vector.IsHardwareAccelerated && System.Numerics.Vector<int>.Count == 2 * System.Numerics.Vector<long>.Count)
            {
                // The same sum without a branch per bucket: the counts of the buckets whose minute is in range, several at a
                // time (int sums in any order are the same).
                var width = System.Numerics.Vector<int>.Count;
                var half = System.Numerics.Vector<long>.Count;
                var oldest = new System.Numerics.Vector<long>(minute - Buckets);
                var newest = new System.Numerics.Vector<long>(minute);
                var sum = System.Numerics.Vector<int>.Zero;
                for (; i <= Buckets - width; i += width)
                {
                    var low = new System.Numerics.Vector<long>(_bucketMinute, i);
                    var high = new System.Numerics.Vector<long>(_bucketMinute, i + half);
                    var inLow = System.Numerics.Vector.GreaterThan(low, oldest) & System.Numerics.Vector.LessThanOrEqual(low, newest);
                    var inHigh = System.Numerics.Vector.GreaterThan(high, oldest) & System.Numerics.Vector.LessThanOrEqual(high, newest);
                    var mask = System.Numerics.Vector.Narrow(inLow, inHigh);
                    sum += System.Numerics.Vector.ConditionalSelect(mask, new System.Numerics.Vector<int>(_bucketCount, i), System.Numerics.Vector<int>.Zero);
                }

                lastHour = System.Numerics.Vector.Sum(sum);
            }
#endif

            for (; i < Buckets; i++)
            {
                if (_bucketMinute[i] > minute - Buckets && _bucketMinute[i] <= minute)
                {
                    lastHour += _bucketCount[i];
                }
            }

            _hourMinute = minute;
            _hourCount = lastHour;
            _hourValid = true;
            return lastHour;
        }

        private long _hourMinute;
        private int _hourCount;
        private bool _hourValid;
    }

    // Ids with the time they were last seen, in last-seen order: touching, pruning the expired and dropping the stalest
    // are O(1) each, so a user who reaches many minors costs linear time. Compact: an id is kept as its 64-bit FNV-1a
    // hash (two ids of one user's set share a hash with a probability of about 1e-13 at the cap), in parallel arrays
    // linked in last-seen order and indexed by a dictionary of hashes: about 50 bytes per contact instead of about 150
    // for a string, a linked-list node and a dictionary entry, and no id string is kept alive by the user store.
    private sealed class ContactSet
    {
        private readonly Dictionary<long, int> _slots = [];
        private long[] _hashes = [];
        private long[] _seen = [];
        private int[] _prev = [];
        private int[] _next = [];
        private int _head = -1;
        private int _tail = -1;
        private int _free = -1;
        private int _used;

        public int Capacity => _hashes.Length;

        public void Touch(string id, long now, int cap)
        {
            Prune(now - DayTicks);
            var hash = StableIdHash.Of(id);
            if (_tail >= 0 && _hashes[_tail] == hash)
            {
                // Touched last already (a user's next message in the same conversation): it stays the newest, no lookup.
                _seen[_tail] = Math.Max(_seen[_tail], now);
                return;
            }

            if (_slots.TryGetValue(hash, out var slot))
            {
                // Times only move forward for a contact; the order stays sorted because now is the newest time.
                _seen[slot] = Math.Max(_seen[slot], now);
                Unlink(slot);
                Append(slot);
                return;
            }

            if (_slots.Count >= cap && _head >= 0)
            {
                Remove(_head);
            }

            slot = Allocate(cap);
            _hashes[slot] = hash;
            _seen[slot] = now;
            Append(slot);
            _slots[hash] = slot;
        }

        public int CountSince(long cutoff)
        {
            var count = _slots.Count;
            for (var slot = _head; slot >= 0 && _seen[slot] <= cutoff; slot = _next[slot])
            {
                count--;
            }

            return count;
        }

        private void Prune(long cutoff)
        {
            while (_head >= 0 && _seen[_head] <= cutoff)
            {
                Remove(_head);
            }
        }

        private void Remove(int slot)
        {
            Unlink(slot);
            _slots.Remove(_hashes[slot]);
            _next[slot] = _free;
            _free = slot;
        }

        private int Allocate(int cap)
        {
            if (_free >= 0)
            {
                var reused = _free;
                _free = _next[reused];
                return reused;
            }

            if (_used == _hashes.Length)
            {
                var size = Math.Max(4, Math.Min(Math.Max(cap, 4), _hashes.Length * 2));
                Array.Resize(ref _hashes, size);
                Array.Resize(ref _seen, size);
                Array.Resize(ref _prev, size);
                Array.Resize(ref _next, size);
            }

            return _used++;
        }

        private void Append(int slot)
        {
            _prev[slot] = _tail;
            _next[slot] = -1;
            if (_tail >= 0)
            {
                _next[_tail] = slot;
            }
            else
            {
                _head = slot;
            }

            _tail = slot;
        }

        private void Unlink(int slot)
        {
            var prev = _prev[slot];
            var next = _next[slot];
            if (prev >= 0)
            {
                _next[prev] = next;
            }
            else
            {
                _head = next;
            }

            if (next >= 0)
            {
                _prev[next] = prev;
            }
            else
            {
                _tail = prev;
            }
        }
    }
}
