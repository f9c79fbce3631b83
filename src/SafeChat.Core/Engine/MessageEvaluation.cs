using SafeChat.Escalation;
using SafeChat.Policies;
using SafeChat.Scoring;

namespace SafeChat.Engine;

/// <summary>What the engine concluded about one message.</summary>
public sealed class MessageEvaluation
{
    /// <summary>Creates an evaluation.</summary>
    /// <param name="messageIndex">The message's 0-based index in its conversation.</param>
    /// <param name="isDuplicate">True when the message id had already been processed.</param>
    /// <param name="assessment">The conversation's risk after this message.</param>
    /// <param name="signals">The signal names that fired on this message.</param>
    /// <param name="raisedAlert">True when this message raised the conversation's first alert.</param>
    /// <param name="firstAlertIndex">The index of the message that raised the first alert so far.</param>
    /// <param name="decisions">The policy's decisions.</param>
    /// <param name="senderCounters">The sender's counters after this message.</param>
    /// <param name="context">The context the engine built for the policy; null for a duplicate.</param>
    /// <param name="escalations">The escalations built from the escalate decisions; empty when null.</param>
    public MessageEvaluation(
        int messageIndex,
        bool isDuplicate,
        RiskAssessment assessment,
        IReadOnlyList<string> signals,
        bool raisedAlert,
        int? firstAlertIndex,
        IReadOnlyList<Decision> decisions,
        UserCounters senderCounters,
        MessageContext? context = null,
        IReadOnlyList<EscalationEvent>? escalations = null)
    {
        MessageIndex = messageIndex;
        IsDuplicate = isDuplicate;
        Assessment = assessment ?? throw new ArgumentNullException(nameof(assessment));
        _signals = signals ?? throw new ArgumentNullException(nameof(signals));
        RaisedAlert = raisedAlert;
        FirstAlertIndex = firstAlertIndex;
        Decisions = decisions ?? throw new ArgumentNullException(nameof(decisions));
        SenderCounters = senderCounters ?? throw new ArgumentNullException(nameof(senderCounters));
        _context = context;
        Escalations = escalations ?? [];
    }

    // An evaluation whose signal names and context the engine leaves to be made on first read: nothing read them while
    // the message was processed (no policy, directory or matcher), and both are pure functions of what is kept here, so
    // a reader gets exactly what the engine would have built (one instance each, whoever reads first).
    internal MessageEvaluation(
        int messageIndex,
        RiskAssessment assessment,
        bool raisedAlert,
        int? firstAlertIndex,
        IReadOnlyList<Decision> decisions,
        UserCounters senderCounters,
        SafeChatEngine engine,
        MessageEnvelope envelope,
        MessageSignals messageSignals,
        string? modelVersion)
    {
        MessageIndex = messageIndex;
        Assessment = assessment;
        RaisedAlert = raisedAlert;
        FirstAlertIndex = firstAlertIndex;
        Decisions = decisions;
        SenderCounters = senderCounters;
        Escalations = [];
        _engine = engine;
        _envelope = envelope;
        _messageSignals = messageSignals;
        _modelVersion = modelVersion;
    }

    private IReadOnlyList<string>? _signals;
    private MessageContext? _context;
    private readonly SafeChatEngine? _engine;
    private readonly MessageEnvelope? _envelope;
    private readonly MessageSignals? _messageSignals;
    private readonly string? _modelVersion;

    /// <summary>The message's 0-based index in its conversation (for a duplicate, the index it first got).</summary>
    public int MessageIndex { get; }

    /// <summary>
    /// True when the message id had already been processed in this conversation: nothing was recorded again,
    /// no alert can be raised and the policy was not asked.
    /// </summary>
    public bool IsDuplicate { get; }

    /// <summary>The conversation's risk after this message (over the window).</summary>
    public RiskAssessment Assessment { get; }

    /// <summary>The signal names that fired on this message (probability at or above the engine's signal threshold).</summary>
    public IReadOnlyList<string> Signals => _signals ?? SignalsOnFirstRead();

    /// <summary>True when this message raised the conversation's first alert.</summary>
    public bool RaisedAlert { get; }

    /// <summary>The index of the message that raised the conversation's first alert so far; null when none has.</summary>
    public int? FirstAlertIndex { get; }

    /// <summary>The policy's decisions for this message; empty without a policy.</summary>
    public IReadOnlyList<Decision> Decisions { get; }

    /// <summary>The sender's cross-conversation counters after this message.</summary>
    public UserCounters SenderCounters { get; }

    /// <summary>
    /// The message context the engine built and gave the policy (message, room, sender, recipients, connected
    /// recipients, assessment, the sender's harms and counters, features, model version). Null for a duplicate, which
    /// is not evaluated again.
    /// </summary>
    public MessageContext? Context => _context ?? (_engine is null ? null : ContextOnFirstRead());

    /// <summary>
    /// The escalations this message raised, ready to dispatch: one per distinct idempotency key among the policy's
    /// <see cref="PolicyAction.Escalate"/> decisions (shadow ones included, flagged <see cref="EscalationEvent.Shadow"/>).
    /// Hand each to <see cref="EscalationDispatcher.DispatchAsync"/>; empty when nothing escalated.
    /// </summary>
    public IReadOnlyList<EscalationEvent> Escalations { get; }

    private IReadOnlyList<string> SignalsOnFirstRead()
    {
        var made = _engine!.FiredSignals(_messageSignals!);
        return Interlocked.CompareExchange(ref _signals, made, null) ?? made;
    }

    private MessageContext ContextOnFirstRead()
    {
        var made = _engine!.DeferredContext(_envelope!, MessageIndex, Assessment, Signals, SenderCounters, _modelVersion);
        return Interlocked.CompareExchange(ref _context, made, null) ?? made;
    }
}
