using SafeChat.Policies;

namespace SafeChat.State;

/// <summary>
/// The default <see cref="IUserStateStore"/>: process memory, bounded by a user cap with least-recently-used eviction,
/// idle expiry, and per-user contact sets capped at <see cref="MaxContactsPerUser"/> entries (the stalest contact is
/// dropped beyond it). Messages in the last hour are counted in one-minute buckets. Thread-safe.
/// </summary>
public sealed class InMemoryUserStateStore : IUserStateStore
{
    /// <summary>The default cap on users kept in memory.</summary>
    public const int DefaultMaxUsers = 100_000;

    /// <summary>The default idle time after which a user's state is dropped (one day plus an hour of slack).</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromHours(25);

    /// <summary>The default cap on distinct minors and on distinct conversations remembered per user.</summary>
    public const int DefaultMaxContactsPerUser = 1024;

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

        MaxContactsPerUser = maxContactsPerUser;
        _users = new ExpiringLruCache<UserState>(maxUsers, timeProvider ?? TimeProvider.System);
    }

    /// <summary>The cap on distinct minors and on distinct conversations remembered per user.</summary>
    public int MaxContactsPerUser { get; }

    /// <summary>How many users are held (expired ones not yet swept included).</summary>
    public int Count => _users.Count;

    /// <summary>How many live users were dropped because the cap was reached.</summary>
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

        if (string.IsNullOrEmpty(activity.UserId))
        {
            throw new ArgumentException("UserId must be a non-empty string.", nameof(activity));
        }

        if (string.IsNullOrEmpty(activity.ConversationId))
        {
            throw new ArgumentException("ConversationId must be a non-empty string.", nameof(activity));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var cap = MaxContactsPerUser;
        var counters = _users.Update(
            activity.UserId,
            _idleTimeout,
            static () => new UserState(),
            (activity, cap),
            static (state, arg) => state.Record(arg.activity, arg.cap));
        return new ValueTask<UserCounters>(counters);
    }

    /// <inheritdoc />
    public ValueTask<UserCounters> GetCountersAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(userId))
        {
            throw new ArgumentException("The user id must be a non-empty string.", nameof(userId));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var counters = _users.Peek(userId, at.UtcTicks, static (state, now) => state?.Counters(now) ?? new UserCounters());
        return new ValueTask<UserCounters>(counters);
    }

    private sealed class UserState
    {
        private const int Buckets = 60;
        private static readonly long MinuteTicks = TimeSpan.FromMinutes(1).Ticks;

        private readonly ContactSet _minors = new();
        private readonly ContactSet _conversations = new();
        private readonly long[] _bucketMinute = new long[Buckets];
        private readonly int[] _bucketCount = new int[Buckets];

        public UserCounters Record(UserActivity activity, int cap)
        {
            var now = activity.At.UtcTicks;
            _conversations.Touch(activity.ConversationId, now, cap);
            foreach (var minor in activity.MinorRecipientIds)
            {
                if (!string.IsNullOrEmpty(minor) && !string.Equals(minor, activity.UserId, StringComparison.Ordinal))
                {
                    _minors.Touch(minor, now, cap);
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
            return Counters(now);
        }

        public UserCounters Counters(long now)
        {
            var minute = now / MinuteTicks;
            var lastHour = 0;
            for (var i = 0; i < Buckets; i++)
            {
                if (_bucketMinute[i] > minute - Buckets && _bucketMinute[i] <= minute)
                {
                    lastHour += _bucketCount[i];
                }
            }

            return new UserCounters
            {
                DistinctMinorsContacted24h = _minors.CountSince(now - DayTicks),
                DistinctConversations24h = _conversations.CountSince(now - DayTicks),
                MessagesLastHour = lastHour,
            };
        }
    }

    // Ids with the time they were last seen; pruned lazily, capped by dropping the stalest id.
    private sealed class ContactSet
    {
        private readonly Dictionary<string, long> _lastSeen = new(StringComparer.Ordinal);
        private long _oldest = long.MaxValue;

        public void Touch(string id, long now, int cap)
        {
            Prune(now - DayTicks);
            if (!_lastSeen.ContainsKey(id) && _lastSeen.Count >= cap)
            {
                DropStalest();
            }

            _lastSeen[id] = _lastSeen.TryGetValue(id, out var seen) ? Math.Max(seen, now) : now;
            _oldest = Math.Min(_oldest, _lastSeen[id]);
        }

        public int CountSince(long cutoff)
        {
            if (_oldest > cutoff)
            {
                return _lastSeen.Count;
            }

            var count = 0;
            foreach (var seen in _lastSeen.Values)
            {
                if (seen > cutoff)
                {
                    count++;
                }
            }

            return count;
        }

        private void Prune(long cutoff)
        {
            if (_oldest > cutoff)
            {
                return;
            }

            List<string>? stale = null;
            var oldest = long.MaxValue;
            foreach (var pair in _lastSeen)
            {
                if (pair.Value <= cutoff)
                {
                    (stale ??= []).Add(pair.Key);
                }
                else
                {
                    oldest = Math.Min(oldest, pair.Value);
                }
            }

            if (stale is not null)
            {
                foreach (var id in stale)
                {
                    _lastSeen.Remove(id);
                }
            }

            _oldest = oldest;
        }

        private void DropStalest()
        {
            string? stalest = null;
            var stalestSeen = long.MaxValue;
            var nextOldest = long.MaxValue;
            foreach (var pair in _lastSeen)
            {
                if (pair.Value < stalestSeen)
                {
                    nextOldest = stalestSeen;
                    stalest = pair.Key;
                    stalestSeen = pair.Value;
                }
                else
                {
                    nextOldest = Math.Min(nextOldest, pair.Value);
                }
            }

            if (stalest is not null)
            {
                _lastSeen.Remove(stalest);
                _oldest = nextOldest;
            }
        }
    }
}
