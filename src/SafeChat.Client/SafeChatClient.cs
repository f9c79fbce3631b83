using System.Security.Cryptography;
using System.Text;
using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Policies;
using SafeChat.Scoring;

namespace SafeChat.Client;

/// <summary>
/// The on-device SDK: checks each message before it is sent and when it arrives, with the host's
/// <see cref="ISafetyScorer"/> and a policy, and returns decisions and nudges. It is a thin adapter over the same
/// <see cref="SafeChatEngine"/> the server and the CLI run (window, salient messages, assessment, alerting, policy), so a
/// conversation gets the same signals, risk and decisions on the device as anywhere else. Only signals leave the device,
/// through an optional <see cref="ISignalReporter"/>; message text and raw user ids never do. Thread-safe.
/// </summary>
public sealed class SafeChatClient
{
    private readonly ISafetyScorer _scorer;
    private readonly IMessagePolicy _policy;
    private readonly ISignalReporter? _reporter;
    private readonly TimeProvider _timeProvider;
    private readonly SafeChatClientOptions _options;
    private readonly byte[] _salt;
    private readonly SafeChatEngine _engine;
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
        _engine = new SafeChatEngine(_scorer, _options.Engine, _policy, timeProvider: _timeProvider);
    }

    /// <summary>Reports the reporter failed to take (it threw). The chat is never affected.</summary>
    public int ReporterFailures => Volatile.Read(ref _reporterFailures);

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
        return CheckAsync(conversation, message, MessageDirection.Outgoing, conversation.LocalUser, conversation.Others, connected, FromLocalUser(conversation), cancellationToken);
    }

    /// <summary>Checks a message the local user received.</summary>
    /// <remarks>Only the local user is treated as a recipient: the device decides for its own user.</remarks>
    public ValueTask<ClientCheck> CheckIncomingAsync(ClientConversation conversation, ChatMessage message, CancellationToken cancellationToken = default)
    {
        Check(conversation, message);
        var sender = conversation.Others.FirstOrDefault(o => o.Id == message.SenderId) ?? new Participant(message.SenderId);
        string[] connected = conversation.ConnectedUserIds.Contains(sender.Id) ? [conversation.LocalUser.Id] : [];
        IReadOnlyDictionary<string, Relationship> related = conversation.Relationships.TryGetValue(sender.Id, out var relationship)
            ? new Dictionary<string, Relationship>(StringComparer.Ordinal) { [conversation.LocalUser.Id] = relationship }
            : NoRelationships;
        return CheckAsync(conversation, message, MessageDirection.Incoming, sender, [conversation.LocalUser], connected, related, cancellationToken);
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
                MemberRelationships = FromLocalUser(conversation),
            },
            cancellationToken);
    }

    /// <summary>Drops the window of a conversation (for example when the user leaves it).</summary>
    public ValueTask ForgetConversationAsync(string roomId, CancellationToken cancellationToken = default) =>
        _engine.EndConversationAsync(roomId, cancellationToken);

    private static readonly IReadOnlyDictionary<string, Relationship> NoRelationships = new Dictionary<string, Relationship>();

    // The conversation stores relationships from the others' side; the local user's side is the inverse.
    private static IReadOnlyDictionary<string, Relationship> FromLocalUser(ClientConversation conversation) =>
        conversation.Relationships.Count == 0
            ? NoRelationships
            : conversation.Relationships.ToDictionary(p => p.Key, p => p.Value.Inverse(), StringComparer.Ordinal);

    private async ValueTask<ClientCheck> CheckAsync(
        ClientConversation conversation,
        ChatMessage message,
        MessageDirection direction,
        Participant sender,
        IReadOnlyList<Participant> recipients,
        IReadOnlyCollection<string> connected,
        IReadOnlyDictionary<string, Relationship> relationships,
        CancellationToken cancellationToken)
    {
        // The message's room id is the engine's conversation key: the conversation's room is authoritative.
        var envelope = new MessageEnvelope(message with { RoomId = conversation.Room.Id }, conversation.Room, sender, recipients)
        {
            ConnectedRecipientIds = connected,
            RecipientRelationships = relationships,
        };
        var evaluation = await _engine.ProcessAsync(envelope, cancellationToken).ConfigureAwait(false);
        var decisions = evaluation.Decisions;
        var assessment = evaluation.Assessment;
        var fired = evaluation.Signals;
        var index = evaluation.MessageIndex;
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

    private static string[] NudgesFor(IReadOnlyList<Decision> decisions, MessageDirection direction, string localUserId)
    {
        var wanted = direction == MessageDirection.Outgoing ? PolicyAction.WarnSender : PolicyAction.WarnRecipient;
        return decisions
            .Where(d => !d.Shadow && d.Action == wanted && d.Nudge is not null && d.TargetUserIds.Contains(localUserId))
            .Select(d => d.Nudge!)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
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
}
