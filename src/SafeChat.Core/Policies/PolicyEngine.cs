using SafeChat.Conversations;

namespace SafeChat.Policies;

/// <summary>
/// Evaluates a <see cref="PolicyDefinition"/> for messages and joins. Rules are compiled once into flat bit masks;
/// evaluating a message that matches no rule allocates nothing beyond the async state machine when the state store
/// completes synchronously. Thread-safe.
/// </summary>
/// <remarks>
/// Every matching rule contributes decisions, in rule order. Level actions (allow, hold, block, deny-join) apply on every
/// matching message. Fire-once actions (warn-sender, warn-recipient, freeze, escalate) fire when the rule's condition
/// becomes true and then stay latched per (rule, conversation, subject) until the condition clears (a risk below
/// threshold minus the hysteresis margin) and the cooldown has passed. Shadow rules are evaluated and latched the same
/// way, and their decisions carry <see cref="Decision.Shadow"/>; they never stop later rules.
/// <para>
/// Ages can only add protection: a participant is matched against a rule's age conditions with every band of
/// <see cref="PolicyDefinition.PossibleAgeBands"/> (an unassured minor claim is also "unknown" and, per
/// <see cref="PolicyDefinition.TrustAdultAgeFrom"/>, "adult"). A rule matches when any of those bands matches, unless the
/// rule allows (an <c>allow</c> action): then every band must match. A rule stops later rules only when it matched for
/// every band, so an unassured claim never skips a later, stricter rule.
/// </para>
/// </remarks>
public sealed class PolicyEngine : IMessagePolicy, IStatelessMessagePolicy
{
    private static readonly IReadOnlyDictionary<string, float> NoRoomHarms = new Dictionary<string, float>(StringComparer.Ordinal);

    private static readonly Decision[] NoDecisions = [];
    private readonly CompiledRule[] _messageRules;
    private readonly CompiledRule[] _joinRules;
    private readonly IPolicyStateStore _stateStore;
    private readonly ISenderHoldStore _holds;
    private readonly TimeProvider _timeProvider;

    /// <summary>Compiles <paramref name="policy"/>.</summary>
    /// <param name="policy">The validated policy.</param>
    /// <param name="stateStore">Where fire-once state lives; defaults to a new <see cref="InMemoryPolicyStateStore"/>.</param>
    /// <param name="timeProvider">The clock for cooldowns; defaults to the system clock.</param>
    public PolicyEngine(PolicyDefinition policy, IPolicyStateStore? stateStore = null, TimeProvider? timeProvider = null)
    {
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _timeProvider = timeProvider ?? TimeProvider.System;
        _stateStore = stateStore ?? new InMemoryPolicyStateStore(_timeProvider);
        _holds = _stateStore as ISenderHoldStore ?? new InMemoryPolicyStateStore(_timeProvider);
        var compiled = policy.Rules.Where(r => r.Enabled).Select(r => new CompiledRule(policy, r)).ToArray();
        _messageRules = compiled.Where(r => r.Trigger == RuleTrigger.Message).ToArray();
        _joinRules = compiled.Where(r => r.Trigger == RuleTrigger.Join).ToArray();
    }

    /// <summary>
    /// Where holds placed by <c>hold-sender</c> live: the state store when it is an <see cref="ISenderHoldStore"/>, else
    /// an in-process one. A reviewer's decision lifts a hold here (<see cref="ISenderHoldStore.LiftHoldAsync"/>).
    /// </summary>
    public ISenderHoldStore Holds => _holds;

    /// <summary>The policy being evaluated.</summary>
    public PolicyDefinition Policy { get; }

    /// <inheritdoc />
    public string Version => Policy.Version;

    /// <summary>Creates an engine for the default preset (<see cref="PolicyPresets.Default"/>).</summary>
    public static PolicyEngine CreateDefault(IPolicyStateStore? stateStore = null, TimeProvider? timeProvider = null) =>
        new(PolicyPresets.Load(PolicyPresets.Default), stateStore, timeProvider);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Decision>> EvaluateMessageAsync(MessageContext context, CancellationToken cancellationToken = default)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        var subject = new Subject(
            context.Room.Kind,
            context.Room.Id,
            context.Sender,
            context.Recipients,
            context.ConnectedRecipientIds,
            context.RecipientRelationships ?? MessageContext.NoRelationships,
            context);
        return EvaluateAsync(_messageRules, subject, stateless: false, cancellationToken);
    }

    /// <inheritdoc />
    public IReadOnlyList<Decision> EvaluateMessageWithoutState(MessageContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        var subject = new Subject(context.Room.Kind, context.Room.Id, context.Sender, context.Recipients, context.ConnectedRecipientIds, context.RecipientRelationships ?? MessageContext.NoRelationships, context);
        return Completed(EvaluateAsync(_messageRules, subject, stateless: true, CancellationToken.None));
    }

    /// <inheritdoc />
    public IReadOnlyList<Decision> EvaluateJoinWithoutState(JoinContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        var subject = new Subject(context.Room.Kind, context.Room.Id, context.Joiner, context.Members, context.ConnectedMemberIds, context.MemberRelationships ?? MessageContext.NoRelationships, null);
        return Completed(EvaluateAsync(_joinRules, subject, stateless: true, CancellationToken.None));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Decision>> EvaluateJoinAsync(JoinContext context, CancellationToken cancellationToken = default)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        var subject = new Subject(context.Room.Kind, context.Room.Id, context.Joiner, context.Members, context.ConnectedMemberIds, context.MemberRelationships ?? MessageContext.NoRelationships, null);
        return EvaluateAsync(_joinRules, subject, stateless: false, cancellationToken);
    }

    private static IReadOnlyList<Decision> Completed(ValueTask<IReadOnlyList<Decision>> evaluation) =>
        evaluation.IsCompletedSuccessfully ? evaluation.Result : evaluation.AsTask().GetAwaiter().GetResult();

    private async ValueTask<IReadOnlyList<Decision>> EvaluateAsync(CompiledRule[] rules, Subject subject, bool stateless, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        List<Decision>? decisions = null;
        var senderBands = Policy.AgeBandMask(subject.Sender);
        foreach (var rule in rules)
        {
            var gate = rule.Gate(subject.RoomKind, senderBands, subject.Sender.AgeAssurance);
            if (gate == AgeMatch.None || (rule.Permissive && gate != AgeMatch.Certain))
            {
                continue;
            }

            // The hold is looked up before the recipients are walked: an O(1) lookup, where matching recipients of a large
            // room would cost O(members) for every message of a sender who is not held.
            var held = true;
            if (rule.SenderHeld is { } wantHeld)
            {
                // Standing holds need state: without it (fail open) nobody is held, like risk conditions seeing nothing.
                var hold = stateless ? null : await _holds.GetHoldAsync(subject.RoomId, subject.Sender.Id, cancellationToken).ConfigureAwait(false);
                held = (hold is not null) == wantHeld;
            }

            var outcome = held ? Evaluate(rule, subject, out var riskValue, out var matched, out var certainTarget) : NotHeld(out riskValue, out matched, out certainTarget);
            var key = rule.HasFireOnceActions
                ? new PolicyStateKey(rule.Id, rule.Scope == StateScope.Subject ? string.Empty : subject.RoomId, subject.Sender.Id)
                : default;
            if (outcome != Outcome.Match)
            {
                if (outcome == Outcome.Cleared && rule.HasFireOnceActions && !stateless)
                {
                    await _stateStore.MarkClearedAsync(key, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            IReadOnlyList<string> targets = matched is null ? AllIds(subject.Recipients) : matched;
            foreach (var action in rule.LevelActions)
            {
                (decisions ??= []).Add(rule.CreateDecision(action, subject.Sender.Id, targets, riskValue));
            }

            if (rule.HasFireOnceActions
                && !stateless
                && await _stateStore.TryFireAsync(key, _timeProvider.GetUtcNow(), rule.Cooldown, cancellationToken).ConfigureAwait(false))
            {
                foreach (var action in rule.FireOnceActions)
                {
                    if (action.Action == PolicyAction.HoldSender && !rule.Shadow)
                    {
                        await _holds.PlaceHoldAsync(subject.RoomId, subject.Sender.Id, new SenderHold(rule.Id, _timeProvider.GetUtcNow()), cancellationToken).ConfigureAwait(false);
                    }

                    var actionTargets = action.Action == PolicyAction.WarnSender ? new[] { subject.Sender.Id } : targets;
                    (decisions ??= []).Add(rule.CreateDecision(action, subject.Sender.Id, actionTargets, riskValue));
                }
            }

            // Stop only when the rule matched for every band a participant may have: an unassured age claim must not
            // skip a later, stricter rule.
            if (rule.Stop && !rule.Shadow && gate == AgeMatch.Certain && certainTarget)
            {
                break;
            }
        }

        return decisions is null ? NoDecisions : decisions.ToArray();
    }

    private static Outcome NotHeld(out float? riskValue, out List<string>? targets, out bool certainTarget)
    {
        riskValue = null;
        targets = null;
        certainTarget = true;
        return Outcome.Cleared;
    }

    private Outcome Evaluate(CompiledRule rule, in Subject subject, out float? riskValue, out List<string>? targets, out bool certainTarget)
    {
        float? modelThreshold = null;
        riskValue = null;
        targets = null;
        certainTarget = true;
        var outcome = Outcome.Match;
        if (subject.Message is { } message)
        {
            if (!rule.PassesMessageConditions(message))
            {
                outcome = Outcome.Cleared;
            }

            if (rule.RiskHarm is not null)
            {
                var harms = rule.RiskSource switch
                {
                    RiskSource.Sender => message.SenderHarms,
                    RiskSource.Room => message.Assessment.Room?.Harms ?? NoRoomHarms,
                    _ => message.Assessment.Harms,
                };
                riskValue = harms.TryGetValue(rule.RiskHarm, out var value) ? value : 0f;
                if (message.ModelAlertThresholds is { } model && model.TryGetValue(rule.RiskHarm, out var alert))
                {
                    modelThreshold = alert;
                }
            }
        }

        if (outcome == Outcome.Cleared || !rule.NeedsRecipients)
        {
            return outcome;
        }

        var best = Outcome.Cleared;
        if (subject.Recipients.Count == 0 && !rule.HasRecipientFilter)
        {
            best = rule.RiskOutcome(riskValue, AgeBand.Unknown, modelThreshold);
        }

        certainTarget = !rule.HasRecipientFilter;

        // Indexed loop: foreach over IReadOnlyList would allocate an enumerator per rule.
        var recipients = subject.Recipients;
        for (var i = 0; i < recipients.Count; i++)
        {
            var recipient = recipients[i];
            var relationship = subject.Relationships.Count == 0 ? null : subject.Relationships.TryGetValue(recipient.Id, out var related) ? related : null;
            var connected = rule.NeedsConnection && (relationship is not null || subject.ConnectedIds.Contains(recipient.Id));
            var match = rule.RecipientMatch(Policy.AgeBandMask(recipient), recipient.AgeAssurance, connected, relationship);
            if (match == AgeMatch.None || (rule.Permissive && match != AgeMatch.Certain))
            {
                continue;
            }

            // Thresholds are read at the claimed band: a minor claim gets the (lower) minor threshold.
            var result = rule.RiskOutcome(riskValue, Policy.EffectiveAgeBand(recipient), modelThreshold);
            if (result == Outcome.Match)
            {
                (targets ??= []).Add(recipient.Id);
                certainTarget |= match == AgeMatch.Certain;
            }

            best = result > best ? result : best;
        }

        return best;
    }

    // A view, not a copy: a rule that targets everyone in a large room costs O(1) per message, not O(members).
    private static IReadOnlyList<string> AllIds(IReadOnlyList<Participant> participants) =>
        participants.Count == 0 ? [] : new ParticipantIds(participants);

    /// <summary>A rule's three-valued result: clearly false (re-arms its latch), inside the hysteresis band, or true.</summary>
    internal enum Outcome
    {
        Cleared = 0,
        Holding = 1,
        Match = 2,
    }

    /// <summary>How a participant's possible age bands meet a rule's age condition.</summary>
    internal enum AgeMatch
    {
        /// <summary>No possible band matches.</summary>
        None = 0,
        /// <summary>Some, but not all, possible bands match (an unassured claim).</summary>
        Possible = 1,
        /// <summary>Every possible band matches.</summary>
        Certain = 2,
    }

    private readonly record struct Subject(
        RoomKind RoomKind,
        string RoomId,
        Participant Sender,
        IReadOnlyList<Participant> Recipients,
        IReadOnlyCollection<string> ConnectedIds,
        IReadOnlyDictionary<string, Relationship> Relationships,
        MessageContext? Message);

    private sealed class CompiledRule
    {
        private const int Any = -1;
        private readonly int _roomMask;
        private readonly int _senderAgeMask;
        private readonly int _senderAssuranceMask;
        private readonly int _recipientAgeMask;
        private readonly int _recipientAssuranceMask;
        private readonly bool? _connected;
        private readonly RelationshipCondition? _relationship;
        private readonly float? _riskMin;
        private readonly HarmThresholds? _thresholds;
        private readonly float _hysteresis;
        private readonly string[]? _messageSignals;
        private readonly string[]? _conversationSignals;
        private readonly (string Name, int? Min, int? Max)[]? _counters;
        private readonly int _featureMask;

        public CompiledRule(PolicyDefinition policy, PolicyRule rule)
        {
            Id = rule.Id;
            Trigger = rule.Trigger;
            Shadow = policy.Shadow || rule.Shadow;
            Stop = rule.Stop;
            Scope = rule.OncePer;
            var when = rule.Conditions;
            _roomMask = Mask(when.Rooms, r => (int)r);
            _senderAgeMask = Mask(when.SenderAges, b => (int)b);
            _senderAssuranceMask = Mask(when.SenderAssurance, a => (int)a);
            _recipientAgeMask = Mask(when.RecipientAges, b => (int)b);
            _recipientAssuranceMask = Mask(when.RecipientAssurance, a => (int)a);
            _connected = when.Connected;
            _relationship = when.Relationship;
            SenderHeld = when.SenderHeld;
            _featureMask = Mask(when.Features, f => (int)f);
            _messageSignals = when.MessageSignals?.ToArray();
            _conversationSignals = when.ConversationSignals?.ToArray();
            _counters = when.Counters?.Select(c => (c.Key, c.Value.Min, c.Value.Max)).ToArray();
            if (when.Risk is { } risk)
            {
                RiskHarm = risk.Harm;
                RiskSource = risk.Source;
                _riskMin = risk.Min;
                _thresholds = risk.Min is null ? policy.Thresholds[risk.Harm] : null;
            }

            _hysteresis = rule.Hysteresis ?? policy.Hysteresis;
            HasRecipientFilter = _recipientAgeMask != Any || _recipientAssuranceMask != Any || _connected is not null || _relationship is not null;
            NeedsRecipients = HasRecipientFilter || RiskHarm is not null;
            LevelActions = rule.Actions.Where(a => !IsFireOnce(a.Action)).ToArray();
            FireOnceActions = rule.Actions.Where(a => IsFireOnce(a.Action)).ToArray();
            Permissive = rule.Actions.Any(a => a.Action == PolicyAction.Allow);
            Cooldown = rule.Cooldown ?? DefaultCooldown(policy.Cooldowns, FireOnceActions);
        }

        public string Id { get; }

        public RuleTrigger Trigger { get; }

        public bool Shadow { get; }

        public bool Stop { get; }

        public StateScope Scope { get; }

        public string? RiskHarm { get; }

        public RiskSource RiskSource { get; }

        public bool? SenderHeld { get; }

        public bool HasRecipientFilter { get; }

        public bool NeedsRecipients { get; }

        public RuleAction[] LevelActions { get; }

        public RuleAction[] FireOnceActions { get; }

        public bool HasFireOnceActions => FireOnceActions.Length > 0;

        public TimeSpan Cooldown { get; }

        /// <summary>True when an action of the rule allows (it must then match for every possible age band).</summary>
        public bool Permissive { get; }

        public AgeMatch Gate(RoomKind room, int senderBands, AgeAssurance senderAssurance) =>
            Has(_roomMask, (int)room) && Has(_senderAssuranceMask, (int)senderAssurance) ? Bands(_senderAgeMask, senderBands) : AgeMatch.None;

        public bool NeedsConnection => _connected is not null;

        public AgeMatch RecipientMatch(int bands, AgeAssurance assurance, bool connected, Relationship? relationship) =>
            Has(_recipientAssuranceMask, (int)assurance)
            && (_connected is null || _connected == connected)
            && (_relationship is null || _relationship.Matches(relationship))
                ? Bands(_recipientAgeMask, bands) : AgeMatch.None;

        private static AgeMatch Bands(int ruleMask, int bands) =>
            (ruleMask & bands) == 0 ? AgeMatch.None
            : (bands & ~ruleMask) == 0 ? AgeMatch.Certain
            : AgeMatch.Possible;

        public bool PassesMessageConditions(MessageContext message)
        {
            if (_featureMask != Any)
            {
                var features = message.Features;
                var bits = (features.HasLink ? 1 << (int)MessageFeature.Link : 0)
                    | (features.HasImage || message.Message.HasImage ? 1 << (int)MessageFeature.Image : 0)
                    | (features.HasContactHandle ? 1 << (int)MessageFeature.ContactHandle : 0)
                    | (features.KnownCsamMatch ? 1 << (int)MessageFeature.KnownCsamMatch : 0)
                    | (features.SharedSignalLead ? 1 << (int)MessageFeature.SharedSignalLead : 0);
                if ((bits & _featureMask) == 0)
                {
                    return false;
                }
            }

            if (_messageSignals is not null && !AnyFired(_messageSignals, message.MessageSignals))
            {
                return false;
            }

            if (_conversationSignals is not null && !AnyExplains(_conversationSignals, message.Assessment))
            {
                return false;
            }

            if (_counters is not null)
            {
                foreach (var (name, min, max) in _counters)
                {
                    var value = message.SenderCounters.Get(name) ?? 0;
                    if (value < min || value > max)
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        public Outcome RiskOutcome(float? risk, AgeBand protectedBand, float? modelThreshold)
        {
            if (RiskHarm is null)
            {
                return Outcome.Match;
            }

            var threshold = _riskMin ?? _thresholds!.For(protectedBand, modelThreshold);
            var value = risk ?? 0f;
            return value >= threshold ? Outcome.Match
                : value >= threshold - _hysteresis ? Outcome.Holding
                : Outcome.Cleared;
        }

        public Decision CreateDecision(RuleAction action, string subjectId, IReadOnlyList<string> targets, float? risk) =>
            new(Id, action.Action)
            {
                Severity = action.Severity,
                Nudge = action.Nudge,
                Shadow = Shadow,
                SubjectUserId = subjectId,
                TargetUserIds = targets,
                Harm = RiskHarm,
                Risk = RiskHarm is null ? null : risk,
            };

        private static bool AnyFired(string[] wanted, IReadOnlyList<string> fired)
        {
            for (var i = 0; i < fired.Count; i++)
            {
                if (Array.IndexOf(wanted, fired[i]) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool AnyExplains(string[] wanted, Scoring.RiskAssessment assessment)
        {
            var signals = assessment.Signals;
            for (var i = 0; i < signals.Count; i++)
            {
                if (Array.IndexOf(wanted, signals[i].Signal) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsFireOnce(PolicyAction action) =>
            action is PolicyAction.WarnSender or PolicyAction.WarnRecipient or PolicyAction.Freeze or PolicyAction.Escalate or PolicyAction.HoldSender;

        private static TimeSpan DefaultCooldown(PolicyCooldowns cooldowns, RuleAction[] fireOnce)
        {
            var result = TimeSpan.Zero;
            foreach (var action in fireOnce)
            {
                var candidate = action.Action switch
                {
                    PolicyAction.Escalate or PolicyAction.HoldSender => cooldowns.Escalate,
                    PolicyAction.Freeze => cooldowns.Freeze,
                    _ => cooldowns.Warn,
                };
                result = candidate > result ? candidate : result;
            }

            return result;
        }

        private static bool Has(int mask, int value) => (mask & (1 << value)) != 0;

        private static int Mask<T>(IReadOnlyList<T>? values, Func<T, int> bit)
        {
            if (values is null)
            {
                return Any;
            }

            var mask = 0;
            foreach (var value in values)
            {
                mask |= 1 << bit(value);
            }

            return mask;
        }
    }
}
