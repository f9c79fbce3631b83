using SafeChat.Scoring;

namespace SafeChat.State;

/// <summary>
/// The default <see cref="IConversationStateStore"/>: process memory, bounded by a conversation cap with
/// least-recently-used eviction and by idle expiry. Each conversation keeps at most
/// <see cref="ConversationWindowLimits.WindowSize"/> + <see cref="ConversationWindowLimits.MaxSalientMessages"/>
/// window entries and <see cref="ConversationWindowLimits.DuplicateHistory"/> message ids. A conversation that idles out
/// (or is evicted by the cap) while <see cref="ConversationWindowLimits.Dormancy"/> is positive is kept for that long in a
/// compact, text-free form (quantized signals, hashed author ids, indices, the first-alert latch; no duplicate history)
/// in a second least-recently-used map capped at <c>maxDormantConversations</c>, and resumes from it when its next
/// message comes. Thread-safe.
/// </summary>
public sealed class InMemoryConversationStateStore : IConversationStateStore
{
    /// <summary>The default cap on conversations kept in memory.</summary>
    public const int DefaultMaxConversations = 100_000;

    /// <summary>The default cap on dormant (idle, compacted) conversations kept in memory.</summary>
    public const int DefaultMaxDormantConversations = 20_000;

    private readonly ExpiringLruCache<ConversationState> _conversations;
    private readonly ExpiringLruCache<DormantConversation> _dormant;
    private readonly long _salt;
    private readonly TimeProvider _clock;

    // The conversations that keep their rebuilt window signals (see QuantizedWindowEntries.EnableDecoded), one small ring
    // per shard of the full map, touched only under that shard's lock: the most recently active few keep them, so a
    // conversation whose messages come one after another does not decode its whole window again at each append, while
    // the rest (idle ones) stay in the compact form alone.
    private readonly ActiveRing[] _active;

    /// <summary>About how many conversations keep their rebuilt window signals at once (the most recently active ones).</summary>
    internal const int ActiveConversations = 256;

    /// <summary>Creates a store.</summary>
    /// <param name="maxConversations">The most conversations kept; the least recently used one is dropped beyond it.</param>
    /// <param name="timeProvider">The clock for idle expiry; <see cref="TimeProvider.System"/> when null.</param>
    public InMemoryConversationStateStore(int maxConversations = DefaultMaxConversations, TimeProvider? timeProvider = null)
        : this(maxConversations, DefaultMaxDormantConversations, timeProvider)
    {
    }

    /// <summary>Creates a store.</summary>
    /// <param name="maxConversations">The most conversations kept in full; the least recently used one goes dormant (or is dropped) beyond it.</param>
    /// <param name="maxDormantConversations">The most dormant conversations kept; the least recently idle one is dropped beyond it.</param>
    /// <param name="timeProvider">The clock for idle expiry; <see cref="TimeProvider.System"/> when null.</param>
    public InMemoryConversationStateStore(int maxConversations, int maxDormantConversations, TimeProvider? timeProvider)
    {
        if (maxConversations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxConversations), maxConversations, "maxConversations must be at least 1.");
        }

        if (maxDormantConversations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDormantConversations), maxDormantConversations, "maxDormantConversations must be at least 1.");
        }

        var clock = _clock = timeProvider ?? TimeProvider.System;
        _dormant = new ExpiringLruCache<DormantConversation>(maxDormantConversations, clock);
        _conversations = new ExpiringLruCache<ConversationState>(maxConversations, clock, GoDormant);
        _active = new ActiveRing[_conversations.ShardCount];
        for (var i = 0; i < _active.Length; i++)
        {
            _active[i] = new ActiveRing(Math.Max(8, ActiveConversations / _active.Length), Math.Max(16, RecycledConversations / _active.Length));
        }
        var salt = new byte[8];
        using (var random = System.Security.Cryptography.RandomNumberGenerator.Create())
        {
            random.GetBytes(salt);
        }

        _salt = BitConverter.ToInt64(salt, 0);
    }

    /// <summary>How many conversations are held in full (expired ones not yet swept included).</summary>
    public int Count => _conversations.Count;

    /// <summary>How many conversations are held dormant, in compact form (expired ones not yet swept included).</summary>
    public int DormantCount => _dormant.Count;

    /// <summary>How many live conversations were moved out of the full map because its cap was reached.</summary>
    public int Evictions => _conversations.Evictions;

    /// <summary>How many dormant conversations were dropped before their dormancy ended because the dormant cap was reached.</summary>
    public int DormantEvictions => _dormant.Evictions;

    // About how many bytes a live conversation's window entries take (array payloads), 0 when it is not held: for tests.
    internal int ApproximateWindowBytes(string conversationId) =>
        _conversations.Peek(conversationId, 0, static (state, _) => state?.ApproximateWindowBytes ?? 0);

    /// <summary>
    /// Moves every idle conversation to the dormant map (or drops it when it has no dormancy) and drops every dormant
    /// conversation whose dormancy ended, by the store's clock; returns how many left the full map.
    /// </summary>
    public int RemoveExpired()
    {
        var removed = _conversations.RemoveExpired();
        _dormant.RemoveExpired();
        return removed;
    }

    /// <inheritdoc />
    public ValueTask<WindowAppendResult> AppendAsync(
        string conversationId,
        WindowAppend entry,
        ConversationWindowLimits limits,
        CancellationToken cancellationToken = default)
    {
        var outcome = Append(conversationId, entry, limits, borrowWindow: false, cancellationToken);
        return new(new WindowAppendResult(outcome.MessageIndex, outcome.IsDuplicate, outcome.Window, outcome.FirstAlertIndex));
    }

    /// <summary>
    /// <see cref="AppendAsync"/> without the task and the result object: this store always completes at once (the engine's
    /// fast path). With <paramref name="borrowWindow"/> the window is this thread's pooled array of its length
    /// (<see cref="WindowBuffers"/>), valid only until the thread's next borrowing append: for a caller that reads it at
    /// once and keeps no reference.
    /// </summary>
    internal WindowAppendOutcome Append(string conversationId, WindowAppend entry, ConversationWindowLimits limits, bool borrowWindow, CancellationToken cancellationToken)
    {
        ValidateId(conversationId, nameof(conversationId));
        ValidateId(entry.MessageId, nameof(entry) + "." + nameof(entry.MessageId));
        ValidateId(entry.AuthorId, nameof(entry) + "." + nameof(entry.AuthorId));
        if (entry.Signals is null)
        {
            throw new ArgumentException("The entry has no signals.", nameof(entry));
        }

        if (limits is null)
        {
            throw new ArgumentNullException(nameof(limits));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var shard = _conversations.ShardIndexOf(conversationId);
        var result = _conversations.Update(
            shard,
            conversationId,
            limits.IdleTimeout,
            entry.At?.UtcTicks,
            static (key, expired, now, arg) => arg.store.Resume(key, expired, now, arg.limits, arg.active),
            (entry, limits, store: this, at: entry.At?.UtcTicks ?? _clock.GetUtcNow().UtcTicks, active: _active[shard], borrowWindow),
            static (state, arg) => state.Append(arg.entry, arg.limits, arg.at, arg.active, arg.borrowWindow));
        return result;
    }

    /// <inheritdoc />
    public ValueTask<AlertClaim> TrySetAlertAsync(string conversationId, int messageIndex, CancellationToken cancellationToken = default) =>
        new(TrySetAlert(conversationId, messageIndex, cancellationToken));

    /// <summary><see cref="TrySetAlertAsync"/> without the task (see <see cref="Append"/>).</summary>
    internal AlertClaim TrySetAlert(string conversationId, int messageIndex, CancellationToken cancellationToken)
    {
        ValidateId(conversationId, nameof(conversationId));
        if (messageIndex < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(messageIndex), messageIndex, "The message index cannot be negative.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var claim = _conversations.Peek(conversationId, messageIndex, static (state, index) =>
        {
            // A conversation that expired between append and alert has no state to protect: the caller is first.
            if (state is null)
            {
                return new AlertClaim(true, index);
            }

            if (state.FirstAlertIndex is { } existing)
            {
                return new AlertClaim(false, existing);
            }

            state.FirstAlertIndex = index;
            return new AlertClaim(true, index);
        });
        return claim;
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ValidateId(conversationId, nameof(conversationId));
        // The removed state is kept (emptied) for the next new conversation of its shard: no one else can reach it once
        // it is out of the map and the shard's ring, and both happen under the shard's lock.
        _conversations.Remove(conversationId, _active[_conversations.ShardIndexOf(conversationId)], static (state, shard) => shard.Recycle(state));
        _dormant.Remove(conversationId);
        return default;
    }

    // The state a conversation continues from at `now`: its own idle state (replayed times, or not yet swept) or its
    // dormant form, compacted either way so live and replayed runs resume alike; a new state past the dormancy.
    private ConversationState Resume(string key, ConversationState? expired, long now, ConversationWindowLimits limits, ActiveRing shard)
    {
        if (limits.Dormancy <= TimeSpan.Zero)
        {
            if (expired is not null)
            {
                _dormant.Remove(key);
            }

            return shard.TakeRecycled() ?? new ConversationState();
        }

        var dormant = expired is not null ? expired.ToDormant(_salt) : _dormant.Take(key, now);
        var until = dormant is null ? 0 : Until(dormant.LastAtTicks, limits.IdleTimeout, limits.Dormancy);
        if (expired is not null)
        {
            _dormant.Remove(key);
        }

        return dormant is not null && limits.Dormancy > TimeSpan.Zero && until > now
            ? ConversationState.FromDormant(dormant, _salt)
            : shard.TakeRecycled() ?? new ConversationState();
    }

    // Called by the full map for a conversation that idled out or was evicted: keep its compact form for its dormancy.
    private void GoDormant(string key, ConversationState state, bool replayed)
    {
        if (state.DormantUntilTicks > state.IdleUntilTicks)
        {
            _dormant.Put(key, state.ToDormant(_salt), state.DormantUntilTicks, sweep: !replayed);
        }
    }

    private static long Until(long at, TimeSpan idle, TimeSpan dormancy)
    {
        var total = idle.Ticks + Math.Max(0, dormancy.Ticks);
        return at > long.MaxValue - total ? long.MaxValue : at + total;
    }

    private static void ValidateId(string? id, string name)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new ArgumentException("The id must be a non-empty string.", name);
        }
    }

    /// <summary>About how many removed conversation states are kept for reuse (over all shards).</summary>
    internal const int RecycledConversations = 512;

    // The last few conversations of one shard that appended, oldest overwritten first; the one that leaves drops its
    // rebuilt signals. Also the shard's removed states, emptied, for its next new conversations (their arrays reused).
    // Touched only under the shard's lock.
    private sealed class ActiveRing(int size, int recycledCapacity)
    {
        private readonly ConversationState?[] _states = new ConversationState?[size];
        private int _next;
        private readonly ConversationState?[] _recycled = new ConversationState?[recycledCapacity];
        private int _recycledCount;

        // A removed conversation's state: out of the ring (so the ring never touches it again while another conversation
        // uses it), emptied, and kept while there is room.
        public void Recycle(ConversationState state)
        {
            if (state.Active)
            {
                if (ReferenceEquals(_states[state.RingSlot], state))
                {
                    _states[state.RingSlot] = null;
                }

                state.Active = false;
            }

            if (_recycledCount < _recycled.Length)
            {
                state.Reset();
                _recycled[_recycledCount++] = state;
            }
        }

        // An emptied state to start a new conversation with, or null.
        public ConversationState? TakeRecycled()
        {
            if (_recycledCount == 0)
            {
                return null;
            }

            var state = _recycled[--_recycledCount]!;
            _recycled[_recycledCount] = null;
            return state;
        }

        public void Enter(ConversationState state)
        {
            if (state.Active)
            {
                return;
            }

            if (_states[_next] is { } leaving)
            {
                leaving.Active = false;
                leaving.DropDecoded();
            }

            _states[_next] = state;
            state.RingSlot = _next;
            state.Active = true;
            _next = (_next + 1) % _states.Length;
        }
    }
    // Compact by design (an idle game-chat conversation stays well under 1 KB, a full window a few KB): the ring of
    // recent messages and the salient list are QuantizedWindowEntries (parallel arrays, signals as 16-bit fixed point, no
    // object per message), author ids are kept once per conversation in a small table, and duplicate detection keeps a
    // 64-bit hash of each recent message id rather than the id itself. The window handed out by Append is rebuilt from
    // this form under the lock, so callers never see the state change under them; while the conversation is among the
    // most recently active ones (ActiveRing) the rebuilt signals are kept and reused, and dropped when it leaves.
    private sealed class ConversationState
    {
        // Recent messages in a ring: position (_start + i) % capacity is the i-th oldest of _recentCount.
        private QuantizedWindowEntries? _recent;
        private int _start;
        private int _recentCount;
        private QuantizedWindowEntries? _salient;
        private int _salientCount;

        // The distinct author ids the entries point to (by slot); stale ones are compacted away when the table fills.
        private string[] _authorIds = [];
        private int _authorCount;

        // Recent message ids, hashed, in a ring (oldest first from _seenStart), with the index each one got.
        private long[] _seenHashes = [];
        private int[] _seenIndexes = [];
        private int _seenStart;
        private int _seenCount;
        private int _nextIndex;

        // Author hashes of messages rehydrated from a dormant form whose author has not written since (see Resolve).
        private Dictionary<long, string>? _unresolved;
        private long _salt;

        public int? FirstAlertIndex { get; set; }

        // Whether the conversation is in its shard's ring of active ones and so keeps its rebuilt window signals.
        public bool Active { get; set; }

        // Its position in that ring while Active.
        public int RingSlot { get; set; }

        // The time of the last append, and until when the conversation stays whole and then dormant (set at each append).
        public long LastAtTicks { get; private set; }

        public long IdleUntilTicks { get; private set; }

        public long DormantUntilTicks { get; private set; }

        // About how many bytes the window entries take (array payloads): for tests and the memory report.
        public int ApproximateWindowBytes =>
            (_recent?.ApproximateBytes ?? 0) + (_salient?.ApproximateBytes ?? 0) + (_authorIds.Length * IntPtr.Size);

        public DormantConversation ToDormant(long salt) =>
            DormantConversation.From(Snapshot(borrow: false), _salientCount, _nextIndex, FirstAlertIndex, LastAtTicks, salt);

        public static ConversationState FromDormant(DormantConversation dormant, long salt)
        {
            var window = dormant.Rehydrate();
            var state = new ConversationState
            {
                _nextIndex = dormant.NextIndex,
                FirstAlertIndex = dormant.FirstAlertIndex,
                LastAtTicks = dormant.LastAtTicks,
                _salt = salt,
            };
            if (window.Length == 0)
            {
                return state;
            }

            var first = window[0].Signals;
            var salientCount = Math.Min(dormant.SalientCount, window.Length);
            var recentCount = window.Length - salientCount;
            state._recent = new QuantizedWindowEntries(first.Probabilities.Length, first.HarmProbabilities.Length);
            state._recent.Resize(recentCount);
            if (salientCount > 0)
            {
                state._salient = new QuantizedWindowEntries(first.Probabilities.Length, first.HarmProbabilities.Length);
                state._salient.Resize(salientCount);
            }

            for (var i = 0; i < window.Length; i++)
            {
                var m = window[i];
                var author = state.AuthorSlot(m.AuthorId);
                if (i < salientCount)
                {
                    state._salient!.Set(i, m.Index, author, m.AuthorAge, m.AuthorAssurance, m.Signals);
                }
                else
                {
                    state._recent.Set(i - salientCount, m.Index, author, m.AuthorAge, m.AuthorAssurance, m.Signals);
                }
            }

            state._salientCount = salientCount;
            state._recentCount = recentCount;
            state._unresolved = dormant.AuthorPlaceholders();
            return state;
        }

        public void DropDecoded()
        {
            _recent?.DropDecoded();
            _salient?.DropDecoded();
        }

        // Set by Reset: the arrays are an earlier conversation's, checked against the first append's signals and limits.
        private bool _recycled;

        // Empties a removed conversation's state for reuse as a new conversation: everything as a new state has it, except
        // that the entry and history arrays are kept (their old contents cleared; a position is always written before it
        // is read). Taken out of the ring first (see ActiveRing.Recycle).
        public void Reset()
        {
            _recent?.Clear();
            _salient?.Clear();
            _start = 0;
            _recentCount = 0;
            _salientCount = 0;
            Array.Clear(_authorIds, 0, _authorIds.Length);
            _authorCount = 0;
            _seenStart = 0;
            _seenCount = 0;
            _nextIndex = 0;
            _unresolved = null;
            _salt = 0;
            FirstAlertIndex = null;
            LastAtTicks = 0;
            IdleUntilTicks = 0;
            DormantUntilTicks = 0;
            _recycled = true;
        }

        // Drops kept arrays the first append of a reused state cannot use as they are: entries for another number of
        // signals or harms, a ring longer than the window (the ring needs capacity <= window size), a duplicate history
        // longer than the limit.
        private void FitRecycled(MessageSignals signals, ConversationWindowLimits limits)
        {
            _recycled = false;
            if (_recent is { } recent && (recent.SignalCount != signals.Probabilities.Length || recent.HarmCount != signals.HarmProbabilities.Length || recent.Capacity > Math.Max(1, limits.WindowSize)))
            {
                _recent = null;
            }

            if (_salient is { } salient && (salient.SignalCount != signals.Probabilities.Length || salient.HarmCount != signals.HarmProbabilities.Length))
            {
                _salient = null;
            }

            if (_seenHashes.Length > Math.Max(0, limits.DuplicateHistory))
            {
                _seenHashes = [];
                _seenIndexes = [];
            }
        }

        public WindowAppendOutcome Append(WindowAppend entry, ConversationWindowLimits limits, long atTicks, ActiveRing active, bool borrowWindow)
        {
            if (_recycled)
            {
                FitRecycled(entry.Signals, limits);
            }

            var recent = _recent ??= NewRecent(entry.Signals, limits);
            if (!recent.Fits(entry.Signals))
            {
                throw new ArgumentException(
                    string.Format(
                        System.Globalization.CultureInfo.InvariantCulture,
                        "The entry's signals ({0} signals, {1} harms, chunks alike) do not match the {2} signals and {3} harms this conversation's window holds; one conversation cannot mix scorers with different outputs.",
                        entry.Signals.Probabilities.Length,
                        entry.Signals.HarmProbabilities.Length,
                        recent.SignalCount,
                        recent.HarmCount),
                    nameof(entry));
            }

            LastAtTicks = Math.Max(LastAtTicks, atTicks);
            IdleUntilTicks = Until(LastAtTicks, limits.IdleTimeout, TimeSpan.Zero);
            DormantUntilTicks = Until(LastAtTicks, limits.IdleTimeout, limits.Dormancy);
            if (_unresolved is not null)
            {
                Resolve(entry.AuthorId);
            }

            // Two different ids of one conversation within the duplicate history share a hash with a probability of about 1e-15.
            var hash = limits.DuplicateHistory > 0 ? StableIdHash.Of(entry.MessageId) : 0;
            active.Enter(this);
            if (Active)
            {
                // As Snapshot would below: kept from before the new entry is stored, so it is stored with its rebuilt signals.
                _recent.EnableDecoded();
                _salient?.EnableDecoded();
            }

            if (limits.DuplicateHistory > 0 && Seen(hash) is { } originalIndex)
            {
                return new WindowAppendOutcome(originalIndex, true, Snapshot(borrowWindow), FirstAlertIndex);
            }

            var index = _nextIndex++;
            Remember(hash, index, limits.DuplicateHistory);
            var author = AuthorSlot(entry.AuthorId);

            var windowSize = Math.Max(1, limits.WindowSize);
            if (_recentCount > windowSize)
            {
                Shrink(windowSize, limits);
            }

            if (_recentCount == windowSize)
            {
                // The oldest recent message leaves the ring (kept if salient) and its position takes the new one.
                KeepIfSalient(_recent!, _start, limits);
                _recent!.Set(_start, index, author, entry.AuthorAge, entry.AuthorAssurance, entry.Signals);
                _start = (_start + 1) % _recent.Capacity;
            }
            else
            {
                if (_recentCount == _recent!.Capacity)
                {
                    Grow(Math.Min(windowSize, Math.Max(4, _recent.Capacity * 2)));
                }

                _recent!.Set((_start + _recentCount) % _recent.Capacity, index, author, entry.AuthorAge, entry.AuthorAssurance, entry.Signals);
                _recentCount++;
            }

            return new WindowAppendOutcome(index, false, Snapshot(borrowWindow), FirstAlertIndex);
        }

        // A new conversation's ring, already at the size its first append would grow it to (one object, not two).
        private static QuantizedWindowEntries NewRecent(MessageSignals signals, ConversationWindowLimits limits)
        {
            var recent = new QuantizedWindowEntries(signals.Probabilities.Length, signals.HarmProbabilities.Length);
            recent.Resize(Math.Min(Math.Max(1, limits.WindowSize), 4));
            return recent;
        }

        // An author of the dormant part writes again: their kept messages get the id back (one slot of the author table).
        private void Resolve(string authorId)
        {
            var hash = DormantConversation.AuthorHash(authorId, _salt);
            if (!_unresolved!.Remove(hash, out var placeholder))
            {
                return;
            }

            for (var i = 0; i < _authorCount; i++)
            {
                if (string.Equals(_authorIds[i], placeholder, StringComparison.Ordinal))
                {
                    _authorIds[i] = authorId;
                }
            }

            if (_unresolved.Count == 0)
            {
                _unresolved = null;
            }
        }

        // The author table slot of an id, adding it (after dropping ids no entry points to, when the table is full).
        private int AuthorSlot(string authorId)
        {
            for (var i = 0; i < _authorCount; i++)
            {
                if (string.Equals(_authorIds[i], authorId, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            if (_authorCount == _authorIds.Length)
            {
                if (_authorCount >= 8)
                {
                    CompactAuthors();
                }

                if (_authorCount == _authorIds.Length)
                {
                    Array.Resize(ref _authorIds, Math.Max(2, _authorIds.Length * 2));
                }
            }

            _authorIds[_authorCount] = authorId;
            return _authorCount++;
        }

        // Keeps only the author ids some entry points to, renumbering the entries' slots in first-use order.
        private void CompactAuthors()
        {
            var map = new int[_authorCount];
            Array.Fill(map, -1);
            var kept = 0;
            var ids = new string[_authorIds.Length];

            void Remap(QuantizedWindowEntries entries, int at)
            {
                var old = entries.AuthorSlot(at);
                if (map[old] < 0)
                {
                    ids[kept] = _authorIds[old];
                    map[old] = kept++;
                }

                entries.SetAuthorSlot(at, map[old]);
            }

            for (var i = 0; i < _salientCount; i++)
            {
                Remap(_salient!, i);
            }

            for (var i = 0; i < _recentCount; i++)
            {
                Remap(_recent!, (_start + i) % _recent!.Capacity);
            }

            _authorIds = ids;
            _authorCount = kept;
        }

        private int? Seen(long hash)
        {
            for (var i = 0; i < _seenCount; i++)
            {
                var at = (_seenStart + i) % _seenHashes.Length;
                if (_seenHashes[at] == hash)
                {
                    return _seenIndexes[at];
                }
            }

            return null;
        }

        private void Remember(long hash, int index, int capacity)
        {
            if (capacity <= 0)
            {
                return;
            }

            if (_seenCount > capacity)
            {
                // The history was shortened between calls: keep the newest.
                var keep = new (long, int)[capacity];
                for (var i = 0; i < capacity; i++)
                {
                    var at = (_seenStart + _seenCount - capacity + i) % _seenHashes.Length;
                    keep[i] = (_seenHashes[at], _seenIndexes[at]);
                }

                _seenHashes = keep.Select(k => k.Item1).ToArray();
                _seenIndexes = keep.Select(k => k.Item2).ToArray();
                _seenStart = 0;
                _seenCount = capacity;
            }

            if (_seenCount == capacity)
            {
                _seenHashes[_seenStart] = hash;
                _seenIndexes[_seenStart] = index;
                _seenStart = (_seenStart + 1) % _seenHashes.Length;
                return;
            }

            if (_seenCount == _seenHashes.Length)
            {
                var size = Math.Min(capacity, Math.Max(4, _seenHashes.Length * 2));
                var hashes = new long[size];
                var indexes = new int[size];
                for (var i = 0; i < _seenCount; i++)
                {
                    var at = (_seenStart + i) % _seenHashes.Length;
                    hashes[i] = _seenHashes[at];
                    indexes[i] = _seenIndexes[at];
                }

                _seenHashes = hashes;
                _seenIndexes = indexes;
                _seenStart = 0;
            }

            var slot = (_seenStart + _seenCount) % _seenHashes.Length;
            _seenHashes[slot] = hash;
            _seenIndexes[slot] = index;
            _seenCount++;
        }

        // Copies the entry at a position of the ring to the salient list when it is salient enough; over the cap, the
        // weakest salient message (the oldest among equals) is dropped, so the strongest early moves stay.
        private void KeepIfSalient(QuantizedWindowEntries source, int at, ConversationWindowLimits limits)
        {
            if (limits.MaxSalientMessages <= 0 || source.QuantizedSalience(at) < QuantizedWindowEntries.Quantize(limits.SalientThreshold))
            {
                return;
            }

            var salient = _salient ??= new QuantizedWindowEntries(source.SignalCount, source.HarmCount);
            if (Active)
            {
                salient.EnableDecoded();
            }

            if (_salientCount == salient.Capacity)
            {
                salient.Resize(Math.Max(_salientCount + 1, Math.Min(limits.MaxSalientMessages + 1, Math.Max(4, salient.Capacity * 2))));
            }

            salient.CopyFrom(source, at, _salientCount++);
            if (_salientCount <= limits.MaxSalientMessages)
            {
                return;
            }

            var weakest = 0;
            var weakestProbability = salient.QuantizedSalience(0);
            for (var i = 1; i < _salientCount; i++)
            {
                var probability = salient.QuantizedSalience(i);
                if (probability < weakestProbability)
                {
                    weakest = i;
                    weakestProbability = probability;
                }
            }

            for (var i = weakest; i < _salientCount - 1; i++)
            {
                salient.CopyFrom(salient, i + 1, i);
            }

            _salientCount--;
        }

        // Re-lays the ring oldest first in new arrays of the given capacity.
        private void Grow(int capacity)
        {
            var grown = new QuantizedWindowEntries(_recent!.SignalCount, _recent.HarmCount);
            grown.Resize(capacity);
            if (_recent.KeepsDecoded)
            {
                grown.EnableDecoded();
            }

            for (var i = 0; i < _recentCount; i++)
            {
                grown.CopyFrom(_recent, (_start + i) % _recent.Capacity, i);
            }

            _recent = grown;
            _start = 0;
        }

        // Handles a smaller window size between calls (limits come with every append): the oldest leave, salient ones kept.
        private void Shrink(int windowSize, ConversationWindowLimits limits)
        {
            var overflow = _recentCount - windowSize;
            for (var i = 0; i < overflow; i++)
            {
                KeepIfSalient(_recent!, (_start + i) % _recent!.Capacity, limits);
            }

            var kept = new QuantizedWindowEntries(_recent!.SignalCount, _recent.HarmCount);
            kept.Resize(windowSize);
            if (_recent.KeepsDecoded)
            {
                kept.EnableDecoded();
            }

            for (var i = 0; i < windowSize; i++)
            {
                kept.CopyFrom(_recent, (_start + overflow + i) % _recent.Capacity, i);
            }

            _recent = kept;
            _start = 0;
            _recentCount = windowSize;
        }

        // The window, oldest first (salient older messages, then the recent ones), rebuilt as window messages: a new array,
        // or with borrow this thread's pooled one of that length (every element is written below).
        private WindowMessage[] Snapshot(bool borrow)
        {
            if (Active)
            {
                _recent?.EnableDecoded();
                _salient?.EnableDecoded();
            }

            var window = borrow ? WindowBuffers.Rent(_salientCount + _recentCount) : new WindowMessage[_salientCount + _recentCount];
            for (var i = 0; i < _salientCount; i++)
            {
                window[i] = _salient!.Read(i, _authorIds);
            }

            for (var i = 0; i < _recentCount; i++)
            {
                window[_salientCount + i] = _recent!.Read((_start + i) % _recent.Capacity, _authorIds);
            }

            return window;
        }
    }
}
