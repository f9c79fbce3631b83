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

    // Ids with the time they were last seen, in last-seen order (a linked list indexed by a dictionary): touching,
    // pruning the expired and dropping the stalest are O(1) each, so a user who reaches many minors costs linear time.
    private sealed class ContactSet
    {
        private readonly Dictionary<string, LinkedListNode<(string Id, long Seen)>> _nodes = new(StringComparer.Ordinal);
        private readonly LinkedList<(string Id, long Seen)> _order = new();

        public void Touch(string id, long now, int cap)
        {
            Prune(now - DayTicks);
            if (_nodes.TryGetValue(id, out var node))
            {
                // Times only move forward for a contact; the list stays sorted because now is the newest time.
                var seen = Math.Max(node.Value.Seen, now);
                _order.Remove(node);
                node.Value = (id, seen);
                _order.AddLast(node);
                return;
            }

            if (_nodes.Count >= cap && _order.First is { } stalest)
            {
                _order.RemoveFirst();
                _nodes.Remove(stalest.Value.Id);
            }

            _nodes[id] = _order.AddLast((id, now));
        }

        public int CountSince(long cutoff)
        {
            var count = _nodes.Count;
            for (var node = _order.First; node is not null && node.Value.Seen <= cutoff; node = node.Next)
            {
                count--;
            }

            return count;
        }

        private void Prune(long cutoff)
        {
            while (_order.First is { } oldest && oldest.Value.Seen <= cutoff)
            {
                _order.RemoveFirst();
                _nodes.Remove(oldest.Value.Id);
            }
        }
    }
}
