using SafeChat.Scoring;

namespace SafeChat.State;

/// <summary>
/// The default <see cref="IConversationStateStore"/>: process memory, bounded by a conversation cap with
/// least-recently-used eviction and by idle expiry. Each conversation keeps at most
/// <see cref="ConversationWindowLimits.WindowSize"/> + <see cref="ConversationWindowLimits.MaxSalientMessages"/>
/// window entries and <see cref="ConversationWindowLimits.DuplicateHistory"/> message ids. Thread-safe.
/// </summary>
public sealed class InMemoryConversationStateStore : IConversationStateStore
{
    /// <summary>The default cap on conversations kept in memory.</summary>
    public const int DefaultMaxConversations = 100_000;

    private readonly ExpiringLruCache<ConversationState> _conversations;

    /// <summary>Creates a store.</summary>
    /// <param name="maxConversations">The most conversations kept; the least recently used one is dropped beyond it.</param>
    /// <param name="timeProvider">The clock for idle expiry; <see cref="TimeProvider.System"/> when null.</param>
    public InMemoryConversationStateStore(int maxConversations = DefaultMaxConversations, TimeProvider? timeProvider = null)
    {
        if (maxConversations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxConversations), maxConversations, "maxConversations must be at least 1.");
        }

        _conversations = new ExpiringLruCache<ConversationState>(maxConversations, timeProvider ?? TimeProvider.System);
    }

    /// <summary>How many conversations are held (expired ones not yet swept included).</summary>
    public int Count => _conversations.Count;

    /// <summary>How many live conversations were dropped because the cap was reached.</summary>
    public int Evictions => _conversations.Evictions;

    /// <summary>Drops every idle-expired conversation now; returns how many were dropped.</summary>
    public int RemoveExpired() => _conversations.RemoveExpired();

    /// <inheritdoc />
    public ValueTask<WindowAppendResult> AppendAsync(
        string conversationId,
        WindowAppend entry,
        ConversationWindowLimits limits,
        CancellationToken cancellationToken = default)
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
        var result = _conversations.Update(
            conversationId,
            limits.IdleTimeout,
            static () => new ConversationState(),
            (entry, limits),
            static (state, arg) => state.Append(arg.entry, arg.limits));
        return new ValueTask<WindowAppendResult>(result);
    }

    /// <inheritdoc />
    public ValueTask<AlertClaim> TrySetAlertAsync(string conversationId, int messageIndex, CancellationToken cancellationToken = default)
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
        return new ValueTask<AlertClaim>(claim);
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ValidateId(conversationId, nameof(conversationId));
        _conversations.Remove(conversationId);
        return default;
    }

    private static void ValidateId(string? id, string name)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new ArgumentException("The id must be a non-empty string.", name);
        }
    }

    private sealed class ConversationState
    {
        // Recent messages in a ring: _recent[(_start + i) % length] is the i-th oldest of _recentCount.
        private WindowMessage[] _recent = [];
        private int _start;
        private int _recentCount;
        private readonly List<WindowMessage> _salient = [];
        private readonly Dictionary<string, int> _seenIds = new(StringComparer.Ordinal);
        private readonly Queue<string> _seenOrder = new();
        private int _nextIndex;

        public int? FirstAlertIndex { get; set; }

        public WindowAppendResult Append(WindowAppend entry, ConversationWindowLimits limits)
        {
            if (_seenIds.TryGetValue(entry.MessageId, out var originalIndex))
            {
                return new WindowAppendResult(originalIndex, true, Snapshot(), FirstAlertIndex);
            }

            var index = _nextIndex++;
            Remember(entry.MessageId, index, limits.DuplicateHistory);
            var message = new WindowMessage(index, entry.AuthorId, entry.AuthorAge, entry.Signals, entry.AuthorAssurance);

            var windowSize = Math.Max(1, limits.WindowSize);
            if (_recent.Length != windowSize)
            {
                Resize(windowSize, limits);
            }

            if (_recentCount == windowSize)
            {
                var leaving = _recent[_start];
                _recent[_start] = message;
                _start = (_start + 1) % windowSize;
                KeepIfSalient(leaving, limits);
            }
            else
            {
                _recent[(_start + _recentCount) % windowSize] = message;
                _recentCount++;
            }

            return new WindowAppendResult(index, false, Snapshot(), FirstAlertIndex);
        }

        private void Remember(string messageId, int index, int capacity)
        {
            if (capacity <= 0)
            {
                return;
            }

            while (_seenOrder.Count >= capacity)
            {
                _seenIds.Remove(_seenOrder.Dequeue());
            }

            _seenIds[messageId] = index;
            _seenOrder.Enqueue(messageId);
        }

        private void KeepIfSalient(WindowMessage leaving, ConversationWindowLimits limits)
        {
            if (limits.MaxSalientMessages <= 0 || leaving.Signals.Salience < limits.SalientThreshold)
            {
                return;
            }

            _salient.Add(leaving);
            if (_salient.Count <= limits.MaxSalientMessages)
            {
                return;
            }

            // Over the cap: drop the weakest salient message, the oldest among equals, so the strongest early moves stay.
            var weakest = 0;
            var weakestProbability = _salient[0].Signals.Salience;
            for (var i = 1; i < _salient.Count; i++)
            {
                var probability = _salient[i].Signals.Salience;
                if (probability < weakestProbability)
                {
                    weakest = i;
                    weakestProbability = probability;
                }
            }

            _salient.RemoveAt(weakest);
        }

        // Handles a changed window size between calls (limits come with every append) by rebuilding the ring.
        private void Resize(int windowSize, ConversationWindowLimits limits)
        {
            var ordered = new List<WindowMessage>(_recentCount);
            for (var i = 0; i < _recentCount; i++)
            {
                ordered.Add(_recent[(_start + i) % _recent.Length]);
            }

            _recent = new WindowMessage[windowSize];
            _start = 0;
            _recentCount = 0;
            var overflow = Math.Max(0, ordered.Count - windowSize);
            for (var i = 0; i < overflow; i++)
            {
                KeepIfSalient(ordered[i], limits);
            }

            for (var i = overflow; i < ordered.Count; i++)
            {
                _recent[_recentCount++] = ordered[i];
            }
        }

        private WindowMessage[] Snapshot()
        {
            var window = new WindowMessage[_salient.Count + _recentCount];
            _salient.CopyTo(window, 0);
            for (var i = 0; i < _recentCount; i++)
            {
                window[_salient.Count + i] = _recent[(_start + i) % _recent.Length];
            }

            return window;
        }

    }
}
