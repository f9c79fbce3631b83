using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Escalation;
using SafeChat.Policies;
using SafeChat.Server.Diagnostics;

namespace SafeChat.Server.Moderation;

/// <summary>
/// The server's moderation step, shared by the SignalR hub filter and any other transport: it checks freezes, runs the
/// engine and the policy, enforces block / hold / freeze, hands the engine's escalations
/// (<see cref="MessageEvaluation.Escalations"/>) to the <see cref="EscalationDispatcher"/> (the moderation queue is one of
/// its handlers), and applies <see cref="SafeChatServerOptions.FailureMode"/> when the state backend is down.
/// Thread-safe; register it as a singleton (AddSafeChatServer does).
/// </summary>
public sealed class SafeChatModerator
{
    private static readonly IReadOnlyList<string> NoIds = [];
    private static readonly IReadOnlyDictionary<string, Relationship> NoRelationships = new Dictionary<string, Relationship>();

    private readonly SafeChatEngine _engine;
    private readonly IConversationFreezeStore _freezes;
    private readonly EscalationDispatcher _dispatcher;
    private readonly IConnectionDirectory? _connections;
    private readonly SafeChatServerOptions _options;
    private readonly SafeChatServerMetrics _metrics;
    private readonly ILogger _logger;
    private long _failuresSinceHealthy;

    internal SafeChatModerator(
        SafeChatEngine engine,
        IConversationFreezeStore freezes,
        EscalationDispatcher dispatcher,
        IConnectionDirectory? connections,
        IOptions<SafeChatServerOptions> options,
        SafeChatServerMetrics metrics,
        ILogger<SafeChatModerator> logger)
    {
        _engine = engine;
        _freezes = freezes;
        _dispatcher = dispatcher;
        _connections = connections;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The engine this moderator runs.</summary>
    public SafeChatEngine Engine => _engine;

    /// <summary>True while the state backend is known to be failing (since the last failed operation, until one succeeds).</summary>
    public bool StateBackendFailing => Interlocked.Read(ref _failuresSinceHealthy) > 0;

    /// <summary>Moderates one chat message: returns whether to deliver it, and why not.</summary>
    /// <param name="envelope">The message with its room, sender and recipients.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public async ValueTask<MessageModerationResult> ModerateMessageAsync(MessageEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(envelope.Room);
        MessageModerationResult result;
        try
        {
            var frozenBy = await _freezes.GetFreezeAsync(envelope.Room.Id, cancellationToken).ConfigureAwait(false);
            if (frozenBy is not null)
            {
                result = new MessageModerationResult { Outcome = MessageOutcome.Frozen, RuleIds = [frozenBy] };
            }
            else
            {
                var evaluation = await _engine.ProcessAsync(envelope, cancellationToken).ConfigureAwait(false);
                result = await EnforceAsync(envelope, evaluation, cancellationToken).ConfigureAwait(false);
            }

            MarkHealthy();
        }
        catch (SafeChatStateUnavailableException ex)
        {
            MarkFailing(ex);
            result = _options.FailureMode == StateFailureMode.FailClosed
                ? new MessageModerationResult { Outcome = MessageOutcome.Unavailable }
                : await FailOpenAsync(envelope, cancellationToken).ConfigureAwait(false);
        }

        _metrics.Message(OutcomeName(result.Outcome));
        return result;
    }

    /// <summary>Moderates a join: returns whether the user may join the room.</summary>
    /// <param name="room">The room.</param>
    /// <param name="joiner">The user who wants to join.</param>
    /// <param name="members">The room's current members (the joiner is ignored if listed).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public async ValueTask<JoinModerationResult> ModerateJoinAsync(
        Room room,
        Participant joiner,
        IReadOnlyList<Participant> members,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(joiner);
        ArgumentNullException.ThrowIfNull(members);
        JoinModerationResult result;
        try
        {
            var others = members.Where(m => m is not null && !string.Equals(m.Id, joiner.Id, StringComparison.Ordinal)).ToList();
            var context = new JoinContext
            {
                Room = room,
                Joiner = joiner,
                Members = others,
                ConnectedMemberIds = await ConnectedAsync(joiner.Id, others, cancellationToken).ConfigureAwait(false),
                MemberRelationships = await RelationshipsAsync(joiner.Id, others, cancellationToken).ConfigureAwait(false),
            };
            var decisions = await _engine.EvaluateJoinAsync(context, cancellationToken).ConfigureAwait(false);
            var denied = decisions.Where(d => !d.Shadow && d.Action == PolicyAction.DenyJoin).Select(d => d.RuleId).Distinct(StringComparer.Ordinal).ToList();
            result = new JoinModerationResult(denied.Count == 0, denied);
            MarkHealthy();
        }
        catch (SafeChatStateUnavailableException ex)
        {
            MarkFailing(ex);
            if (_options.FailureMode == StateFailureMode.FailOpen)
            {
                // Fail open keeps the rules that need no shared state: a stateless deny-join still denies.
                var others = members.Where(m => m is not null && !string.Equals(m.Id, joiner.Id, StringComparison.Ordinal)).ToList();
                var decisions = _engine.EvaluateJoinWithoutState(new JoinContext
                {
                    Room = room,
                    Joiner = joiner,
                    Members = others,
                    ConnectedMemberIds = await ConnectedOrNoneAsync(joiner.Id, others, cancellationToken).ConfigureAwait(false),
                });
                var denied = decisions.Where(d => !d.Shadow && d.Action == PolicyAction.DenyJoin).Select(d => d.RuleId).Distinct(StringComparer.Ordinal).ToList();
                result = new JoinModerationResult(denied.Count == 0, denied, Unavailable: true);
            }
            else
            {
                result = new JoinModerationResult(false, NoIds, Unavailable: true);
            }
        }

        _metrics.Join(result.Unavailable
            ? (result.Allowed ? "allowed_unchecked" : result.RuleIds.Count > 0 ? "denied" : "unavailable")
            : result.Allowed ? "allowed" : "denied");
        return result;
    }

    // The fail-open path: the state backend is down, so nothing stateful runs (no window, no counters, no latches, no
    // freezes, no escalations), but the policy's stateless rules (ages, rooms, connections, links and images) still
    // block or hold. A connection lookup that fails counts as "not connected", the protective reading.
    private async ValueTask<MessageModerationResult> FailOpenAsync(MessageEnvelope envelope, CancellationToken cancellationToken)
    {
        var recipients = envelope.Recipients.Where(r => r is not null && !string.Equals(r.Id, envelope.Sender.Id, StringComparison.Ordinal)).ToList();
        var connected = await ConnectedOrNoneAsync(envelope.Sender.Id, recipients, cancellationToken).ConfigureAwait(false);
        var decisions = _engine.EvaluateWithoutState(envelope, connected);
        var outcome = MessageOutcome.DeliveredUnscored;
        List<string>? rules = null;
        foreach (var decision in decisions)
        {
            if (decision.Shadow)
            {
                continue;
            }

            if (decision.Action == PolicyAction.Block)
            {
                outcome = MessageOutcome.Blocked;
                AddRule(ref rules, decision.RuleId);
            }
            else if (decision.Action == PolicyAction.Hold)
            {
                outcome = outcome == MessageOutcome.Blocked ? outcome : MessageOutcome.Held;
                AddRule(ref rules, decision.RuleId);
            }
        }

        return new MessageModerationResult { Outcome = outcome, RuleIds = rules ?? NoIds, Decisions = decisions };
    }

    private async ValueTask<IReadOnlyCollection<string>> ConnectedOrNoneAsync(string userId, List<Participant> others, CancellationToken cancellationToken)
    {
        try
        {
            return await ConnectedAsync(userId, others, cancellationToken).ConfigureAwait(false);
        }
        catch (SafeChatStateUnavailableException)
        {
            return NoIds;
        }
    }

    private async ValueTask<MessageModerationResult> EnforceAsync(MessageEnvelope envelope, MessageEvaluation evaluation, CancellationToken cancellationToken)
    {
        var outcome = MessageOutcome.Delivered;
        List<string>? rules = null;
        List<Nudge>? nudges = null;
        foreach (var decision in evaluation.Decisions)
        {
            // Escalations (shadow ones too, flagged Shadow) come ready-made in evaluation.Escalations.
            if (decision.Action == PolicyAction.Escalate || decision.Shadow)
            {
                continue;
            }

            switch (decision.Action)
            {
                case PolicyAction.Freeze:
                    await _freezes.FreezeAsync(envelope.Room.Id, decision.RuleId, cancellationToken).ConfigureAwait(false);
                    outcome = MessageOutcome.Frozen;
                    AddRule(ref rules, decision.RuleId);
                    break;
                case PolicyAction.Block:
                    outcome = outcome == MessageOutcome.Frozen ? outcome : MessageOutcome.Blocked;
                    AddRule(ref rules, decision.RuleId);
                    break;
                case PolicyAction.Hold:
                    outcome = outcome is MessageOutcome.Frozen or MessageOutcome.Blocked ? outcome : MessageOutcome.Held;
                    AddRule(ref rules, decision.RuleId);
                    break;
                case PolicyAction.HoldSender:
                    // Expected, not an error: one Information line, no ids or text.
                    Log.SenderHeld(_logger, decision.RuleId);
                    break;
                case PolicyAction.WarnSender when decision.Nudge is { Length: > 0 } text:
                    (nudges ??= []).Add(new Nudge(decision.RuleId, text, true, [envelope.Sender.Id]));
                    break;
                case PolicyAction.WarnRecipient when decision.Nudge is { Length: > 0 } text:
                    (nudges ??= []).Add(new Nudge(decision.RuleId, text, false, RecipientTargets(decision, envelope)));
                    break;
            }
        }

        return new MessageModerationResult
        {
            Outcome = outcome,
            RuleIds = rules ?? NoIds,
            Decisions = evaluation.Decisions,
            Nudges = nudges ?? [],
            EscalationIds = await DispatchAsync(evaluation.Escalations, cancellationToken).ConfigureAwait(false),
            Evaluation = evaluation,
        };
    }

    // Returns once each escalation is in the dispatcher's store (durable with AddWebhooks): the keys newly accepted.
    private async ValueTask<IReadOnlyList<string>> DispatchAsync(IReadOnlyList<EscalationEvent> escalations, CancellationToken cancellationToken)
    {
        List<string>? accepted = null;
        foreach (var escalation in escalations)
        {
            try
            {
                if (await _dispatcher.DispatchAsync(escalation, cancellationToken).ConfigureAwait(false))
                {
                    (accepted ??= []).Add(escalation.IdempotencyKey);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store refused it (a full disk, a disposed dispatcher): counted on safechat.escalations as
                // dropped; the message is still moderated.
                Log.EscalationDispatchRefused(_logger, escalation.RuleId);
            }
        }

        return accepted ?? NoIds;
    }

    private void MarkHealthy()
    {
        var failures = Interlocked.Exchange(ref _failuresSinceHealthy, 0);
        if (failures > 0)
        {
            Log.StateRecovered(_logger, failures);
        }
    }

    private void MarkFailing(SafeChatStateUnavailableException ex)
    {
        _metrics.StateFailure(_options.FailureMode == StateFailureMode.FailOpen ? "fail_open" : "fail_closed");
        if (Interlocked.Increment(ref _failuresSinceHealthy) == 1)
        {
            // Once per outage: the exception's type, not its message, which could name an endpoint.
            Log.StateUnavailable(_logger, ex.InnerException?.GetType().Name ?? ex.GetType().Name, _options.FailureMode);
        }
    }

    private async ValueTask<IReadOnlyCollection<string>> ConnectedAsync(string userId, List<Participant> others, CancellationToken cancellationToken)
    {
        if (_connections is null || others.Count == 0)
        {
            return NoIds;
        }

        List<string>? connected = null;
        foreach (var member in others)
        {
            if (await _connections.AreConnectedAsync(userId, member.Id, cancellationToken).ConfigureAwait(false))
            {
                (connected ??= []).Add(member.Id);
            }
        }

        return connected ?? NoIds;
    }

    // How the joiner is related to each member (the directory's GetRelationshipAsync), for join rules' relationship condition.
    private async ValueTask<IReadOnlyDictionary<string, Relationship>> RelationshipsAsync(string userId, List<Participant> others, CancellationToken cancellationToken)
    {
        Dictionary<string, Relationship>? found = null;
        if (_connections is not null)
        {
            foreach (var member in others)
            {
                if (await _connections.GetRelationshipAsync(userId, member.Id, cancellationToken).ConfigureAwait(false) is { } relationship)
                {
                    (found ??= new Dictionary<string, Relationship>(StringComparer.Ordinal))[member.Id] = relationship;
                }
            }
        }

        return found ?? NoRelationships;
    }

    private static IReadOnlyList<string> RecipientTargets(Decision decision, MessageEnvelope envelope) =>
        decision.TargetUserIds.Count > 0
            ? decision.TargetUserIds
            : [.. envelope.Recipients.Where(r => r is not null && !string.Equals(r.Id, envelope.Sender.Id, StringComparison.Ordinal)).Select(r => r.Id)];

    private static void AddRule(ref List<string>? rules, string ruleId)
    {
        rules ??= [];
        if (!rules.Contains(ruleId, StringComparer.Ordinal))
        {
            rules.Add(ruleId);
        }
    }

    internal static string OutcomeName(MessageOutcome outcome) => outcome switch
    {
        MessageOutcome.Delivered => "delivered",
        MessageOutcome.Blocked => "blocked",
        MessageOutcome.Held => "held",
        MessageOutcome.Frozen => "frozen",
        MessageOutcome.DeliveredUnscored => "delivered_unscored",
        MessageOutcome.Unavailable => "unavailable",
        _ => "unknown",
    };
}
