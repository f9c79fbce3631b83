using System.Security.Cryptography;
using System.Text;
using SafeChat.Conversations;
using SafeChat.Policies;
using SafeChat.Scoring;

namespace SafeChat.Client;

/// <summary>
/// The on-device SDK: checks each message before it is sent and when it arrives, with the host's
/// <see cref="ISafetyScorer"/> and a policy, and returns decisions and nudges. It keeps a small, bounded window per
/// conversation. Only signals leave the device, through an optional <see cref="ISignalReporter"/>; message text and raw
/// user ids never do. Thread-safe.
/// </summary>
public sealed class SafeChatClient
{
    private readonly ISafetyScorer _scorer;
    private readonly IMessagePolicy _policy;
    private readonly ISignalReporter? _reporter;
    private readonly TimeProvider _timeProvider;
    private readonly SafeChatClientOptions _options;
    private readonly byte[] _salt;
    private readonly object _gate = new();
    private readonly Dictionary<string, ConversationWindow> _windows = new(StringComparer.Ordinal);
    private readonly LocalCounters _counters = new();
    private long _useClock;
    private int _reporterFailures;

    /// <summary>Creates a client.</summary>
    /// <param name="scorer">The scorer (the host injects the ONNX one).</param>
    /// <param name="policy">The policy, for example <c>PolicyEngine.CreateDefault()</c>.</param>
    /// <param name="options">Options; null uses the defaults.</param>
    /// <param name="reporter">Where signal reports go; null sends nothing.</param>
    /// <param name="timeProvider">The clock; defaults to the system clock.</param>
    public SafeChatClient(
        ISafetyScorer scorer,
        IMessagePolicy policy,
        SafeChatClientOptions? options = null,
        ISignalReporter? reporter = null,
        TimeProvider? timeProvider = null)
    {
        _scorer = scorer ?? throw new ArgumentNullException(nameof(scorer));
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _options = options ?? new SafeChatClientOptions();
        _options.Validate();
        _reporter = reporter;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _salt = _options.InstallSalt is { } salt ? (byte[])salt.Clone() : CreateInstallSalt();
    }

    /// <summary>Reports the reporter failed to take (it threw). The chat is never affected.</summary>
    public int ReporterFailures => Volatile.Read(ref _reporterFailures);

    /// <summary>The number of conversations whose window is kept now.</summary>
    public int TrackedConversations
    {
        get
        {
            lock (_gate)
            {
                return _windows.Count;
            }
        }
    }

    /// <summary>Creates a random 32-byte salt; persist it per install and pass it as <see cref="SafeChatClientOptions.InstallSalt"/>.</summary>
    public static byte[] CreateInstallSalt()
    {
        var salt = new byte[32];
        using var random = RandomNumberGenerator.Create();
        random.GetBytes(salt);
        return salt;
    }

    /// <summary>Checks a message the local user is about to send.</summary>
    public ValueTask<ClientCheck> CheckOutgoingAsync(ClientConversation conversation, ChatMessage message, CancellationToken cancellationToken = default)
    {
        Check(conversation, message);
        var connected = conversation.Others.Where(o => conversation.ConnectedUserIds.Contains(o.Id)).Select(o => o.Id).ToArray();
        return CheckAsync(conversation, message, MessageDirection.Outgoing, conversation.LocalUser, conversation.Others, connected, cancellationToken);
    }

    /// <summary>Checks a message the local user received.</summary>
    /// <remarks>Only the local user is treated as a recipient: the device decides for its own user.</remarks>
    public ValueTask<ClientCheck> CheckIncomingAsync(ClientConversation conversation, ChatMessage message, CancellationToken cancellationToken = default)
    {
        Check(conversation, message);
        var sender = conversation.Others.FirstOrDefault(o => o.Id == message.SenderId) ?? new Participant(message.SenderId);
        string[] connected = conversation.ConnectedUserIds.Contains(sender.Id) ? [conversation.LocalUser.Id] : [];
        return CheckAsync(conversation, message, MessageDirection.Incoming, sender, [conversation.LocalUser], connected, cancellationToken);
    }

    /// <summary>Checks whether the local user may join the conversation's room (its <see cref="ClientConversation.Others"/> are the members).</summary>
    public ValueTask<IReadOnlyList<Decision>> CheckJoinAsync(ClientConversation conversation, CancellationToken cancellationToken = default)
    {
        if (conversation is null)
        {
            throw new ArgumentNullException(nameof(conversation));
        }

        return _policy.EvaluateJoinAsync(
            new JoinContext
            {
                Room = conversation.Room,
                Joiner = conversation.LocalUser,
                Members = conversation.Others,
                ConnectedMemberIds = conversation.ConnectedUserIds,
            },
            cancellationToken);
    }

    /// <summary>Drops the window of a conversation (for example when the user leaves it).</summary>
    public void ForgetConversation(string roomId)
    {
        lock (_gate)
        {
            _windows.Remove(roomId);
        }
    }

    private async ValueTask<ClientCheck> CheckAsync(
        ClientConversation conversation,
        ChatMessage message,
        MessageDirection direction,
        Participant sender,
        IReadOnlyList<Participant> recipients,
        IReadOnlyCollection<string> connected,
        CancellationToken cancellationToken)
    {
        var signals = _scorer.AnalyzeMessage(message.Text ?? string.Empty);
        var fired = FiredSignals(signals);
        var features = MessageFeatureDetector.Detect(message);
        var now = _timeProvider.GetUtcNow();
        RiskAssessment assessment;
        int index;
        UserCounters counters;
        lock (_gate)
        {
            var window = WindowFor(conversation.Room.Id);
            index = window.Append(message.SenderId, sender.AgeBand, sender.AgeAssurance, signals);
            assessment = _scorer.Assess(window.Messages);
            counters = direction == MessageDirection.Outgoing
                ? _counters.RecordOutgoing(conversation.Room.Id, recipients, now)
                : new UserCounters();
        }

        var context = new MessageContext
        {
            Message = message,
            Room = conversation.Room,
            Sender = sender,
            Recipients = recipients,
            ConnectedRecipientIds = connected,
            MessageIndex = index,
            Assessment = assessment,
            SenderHarms = assessment.Authors.FirstOrDefault(a => a.AuthorId == sender.Id)?.Harms ?? new Dictionary<string, float>(),
            MessageSignals = fired,
            SenderCounters = counters,
            Features = features,
            ModelVersion = _scorer.Descriptor.ModelVersion,
        };
        var decisions = await _policy.EvaluateMessageAsync(context, cancellationToken).ConfigureAwait(false);
        var nudges = NudgesFor(decisions, direction, conversation.LocalUser.Id);
        await ReportAsync(conversation, sender, direction, index, fired, assessment, decisions, cancellationToken).ConfigureAwait(false);
        return new ClientCheck(direction, decisions, nudges, assessment, fired);
    }

    private async ValueTask ReportAsync(
        ClientConversation conversation,
        Participant sender,
        MessageDirection direction,
        int index,
        IReadOnlyList<string> fired,
        RiskAssessment assessment,
        IReadOnlyList<Decision> decisions,
        CancellationToken cancellationToken)
    {
        if (_reporter is null || (_options.ReportOnlyWhenFlagged && fired.Count == 0 && decisions.Count == 0))
        {
            return;
        }

        var report = new SignalReport
        {
            ConversationId = conversation.Room.Id,
            SenderIdHash = _options.SenderIdReporting == SenderIdReporting.Hashed ? HashId(sender.Id) : null,
            Direction = direction,
            MessageIndex = index,
            ReportedAt = _timeProvider.GetUtcNow(),
            Signals = fired,
            Harms = new Dictionary<string, float>(assessment.Harms.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal),
            ModelVersion = _scorer.Descriptor.ModelVersion,
            PolicyVersion = _policy.Version,
            Decisions = decisions.Select(d => new ReportedDecision(d.RuleId, d.Action, d.Severity, d.Shadow)).ToArray(),
        };
        try
        {
            await _reporter.ReportAsync(report, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Interlocked.Increment(ref _reporterFailures);
        }
    }

    private string HashId(string id)
    {
        using var hmac = new HMACSHA256(_salt);
        var hash = hmac.ComputeHash(Encoding.UTF8.GetBytes(id));
        var hex = new StringBuilder(32);
        for (var i = 0; i < 16; i++)
        {
            hex.Append(hash[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return hex.ToString();
    }

    private string[] FiredSignals(MessageSignals signals)
    {
        var names = _scorer.Descriptor.SignalNames;
        var probabilities = signals.Probabilities;
        List<string>? fired = null;
        for (var i = 0; i < probabilities.Length && i < names.Count; i++)
        {
            if (probabilities[i] >= _options.SignalThreshold)
            {
                (fired ??= []).Add(names[i]);
            }
        }

        return fired is null ? [] : fired.ToArray();
    }

    private static string[] NudgesFor(IReadOnlyList<Decision> decisions, MessageDirection direction, string localUserId)
    {
        var wanted = direction == MessageDirection.Outgoing ? PolicyAction.WarnSender : PolicyAction.WarnRecipient;
        return decisions
            .Where(d => !d.Shadow && d.Action == wanted && d.Nudge is not null && d.TargetUserIds.Contains(localUserId))
            .Select(d => d.Nudge!)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    private ConversationWindow WindowFor(string roomId)
    {
        if (!_windows.TryGetValue(roomId, out var window))
        {
            if (_windows.Count >= _options.MaxConversations)
            {
                var oldest = _windows.OrderBy(p => p.Value.LastUsed).First().Key;
                _windows.Remove(oldest);
            }

            window = new ConversationWindow(_options.WindowSize);
            _windows.Add(roomId, window);
        }

        window.LastUsed = ++_useClock;
        return window;
    }

    private static void Check(ClientConversation conversation, ChatMessage message)
    {
        if (conversation is null)
        {
            throw new ArgumentNullException(nameof(conversation));
        }

        if (message is null)
        {
            throw new ArgumentNullException(nameof(message));
        }
    }

    /// <summary>The last few messages of one conversation: who said them and what fired, never the text.</summary>
    private sealed class ConversationWindow(int capacity)
    {
        private readonly List<WindowMessage> _messages = new(capacity);
        private int _nextIndex;

        public long LastUsed { get; set; }

        public IReadOnlyList<WindowMessage> Messages => _messages;

        public int Append(string authorId, AgeBand authorAge, AgeAssurance authorAssurance, MessageSignals signals)
        {
            if (_messages.Count == capacity)
            {
                _messages.RemoveAt(0);
            }

            var index = _nextIndex++;
            _messages.Add(new WindowMessage(index, authorId, authorAge, signals, authorAssurance));
            return index;
        }
    }

    /// <summary>The local user's own counters (the server keeps the cross-user ones).</summary>
    private sealed class LocalCounters
    {
        private const int MaxTracked = 512;
        private readonly Queue<DateTimeOffset> _sentLastHour = new();
        private readonly Dictionary<string, DateTimeOffset> _minorsContacted = new(StringComparer.Ordinal);
        private readonly Dictionary<string, DateTimeOffset> _conversations = new(StringComparer.Ordinal);

        public UserCounters RecordOutgoing(string roomId, IReadOnlyList<Participant> recipients, DateTimeOffset now)
        {
            while (_sentLastHour.Count > 0 && now - _sentLastHour.Peek() >= TimeSpan.FromHours(1))
            {
                _sentLastHour.Dequeue();
            }

            if (_sentLastHour.Count < MaxTracked)
            {
                _sentLastHour.Enqueue(now);
            }

            foreach (var recipient in recipients)
            {
                if (recipient.IsMinorForProtection)
                {
                    Touch(_minorsContacted, recipient.Id, now);
                }
            }

            Touch(_conversations, roomId, now);
            return new UserCounters
            {
                MessagesLastHour = _sentLastHour.Count,
                DistinctMinorsContacted24h = CountRecent(_minorsContacted, now),
                DistinctConversations24h = CountRecent(_conversations, now),
            };
        }

        private static void Touch(Dictionary<string, DateTimeOffset> seen, string id, DateTimeOffset now)
        {
            if (!seen.ContainsKey(id) && seen.Count >= MaxTracked)
            {
                foreach (var stale in seen.Where(p => now - p.Value >= TimeSpan.FromHours(24)).Select(p => p.Key).ToArray())
                {
                    seen.Remove(stale);
                }

                if (seen.Count >= MaxTracked)
                {
                    return;
                }
            }

            seen[id] = now;
        }

        private static int CountRecent(Dictionary<string, DateTimeOffset> seen, DateTimeOffset now)
        {
            var count = 0;
            foreach (var time in seen.Values)
            {
                if (now - time < TimeSpan.FromHours(24))
                {
                    count++;
                }
            }

            return count;
        }
    }
}
