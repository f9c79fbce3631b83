using SafeChat.Conversations;

namespace SafeChat.Policies;

/// <summary>Builds one rule; every method mirrors a key of the rule or its <c>when</c> object.</summary>
public sealed class RuleBuilder
{
    private readonly List<RuleAction> _actions = [];
    private PolicyRule _rule;
    private RuleConditions _when = new();
    private Dictionary<string, CounterRange>? _counters;

    internal RuleBuilder(string id, RuleTrigger trigger)
    {
        _rule = new PolicyRule { Id = id ?? string.Empty, Trigger = trigger };
    }

    /// <summary>Sets the description.</summary>
    public RuleBuilder Description(string description) => Set(_rule with { Description = description });

    /// <summary>Names the regulation or guidance the rule follows.</summary>
    public RuleBuilder Regulation(string regulation) => Set(_rule with { Regulation = regulation });

    /// <summary>Runs this rule in shadow mode.</summary>
    public RuleBuilder Shadow(bool shadow = true) => Set(_rule with { Shadow = shadow });

    /// <summary>Enables or disables the rule.</summary>
    public RuleBuilder Enabled(bool enabled) => Set(_rule with { Enabled = enabled });

    /// <summary>Stops evaluating later rules when this one matches.</summary>
    public RuleBuilder Stop(bool stop = true) => Set(_rule with { Stop = stop });

    /// <summary>Sets the cooldown of the rule's fire-once actions.</summary>
    public RuleBuilder Cooldown(TimeSpan cooldown) => Set(_rule with { Cooldown = cooldown });

    /// <summary>Sets the rule's hysteresis margin.</summary>
    public RuleBuilder Hysteresis(float margin) => Set(_rule with { Hysteresis = margin });

    /// <summary>Shares the fire-once state across conversations (<c>"once_per": "subject"</c>).</summary>
    public RuleBuilder OncePerSubject() => Set(_rule with { OncePer = StateScope.Subject });

    /// <summary>Room kinds (<c>room</c>).</summary>
    public RuleBuilder Rooms(params RoomKind[] rooms) => When(_when with { Rooms = rooms });

    /// <summary>Sender age bands (<c>sender_age</c>).</summary>
    public RuleBuilder SenderAges(params AgeBand[] bands) => When(_when with { SenderAges = bands });

    /// <summary>Sender age assurance (<c>sender_assurance</c>).</summary>
    public RuleBuilder SenderAssurance(params AgeAssurance[] levels) => When(_when with { SenderAssurance = levels });

    /// <summary>Recipient age bands (<c>recipient_age</c>).</summary>
    public RuleBuilder RecipientAges(params AgeBand[] bands) => When(_when with { RecipientAges = bands });

    /// <summary>Recipient age assurance (<c>recipient_assurance</c>).</summary>
    public RuleBuilder RecipientAssurance(params AgeAssurance[] levels) => When(_when with { RecipientAssurance = levels });

    /// <summary>Joiner age bands (<c>joiner_age</c>, join rules).</summary>
    public RuleBuilder JoinerAges(params AgeBand[] bands) => SenderAges(bands);

    /// <summary>Joiner age assurance (<c>joiner_assurance</c>, join rules).</summary>
    public RuleBuilder JoinerAssurance(params AgeAssurance[] levels) => SenderAssurance(levels);

    /// <summary>Member age bands (<c>member_age</c>, join rules).</summary>
    public RuleBuilder MemberAges(params AgeBand[] bands) => RecipientAges(bands);

    /// <summary>Member age assurance (<c>member_assurance</c>, join rules).</summary>
    public RuleBuilder MemberAssurance(params AgeAssurance[] levels) => RecipientAssurance(levels);

    /// <summary>Whether the sender is connected to the recipient (<c>connected</c>).</summary>
    public RuleBuilder Connected(bool connected) => When(_when with { Connected = connected });

    /// <summary>How the sender must be related to the recipient (<c>relationship</c>).</summary>
    public RuleBuilder Relationship(RelationshipCondition condition) => When(_when with { Relationship = condition });

    /// <summary>Whether the sender must be under a <c>hold-sender</c> hold in the conversation (<c>sender_held</c>).</summary>
    public RuleBuilder SenderHeld(bool held = true) => When(_when with { SenderHeld = held });

    /// <summary>A risk condition (<c>risk</c>); a null <paramref name="min"/> uses the policy's per-age-band threshold.</summary>
    public RuleBuilder Risk(string harm, RiskSource source = RiskSource.Sender, float? min = null) =>
        When(_when with { Risk = new RiskCondition(harm, source, min) });

    /// <summary>Any of these signals fired on the message (<c>message_signals</c>).</summary>
    public RuleBuilder MessageSignals(params string[] signals) => When(_when with { MessageSignals = signals });

    /// <summary>Any of these signals explains the conversation's risk (<c>conversation_signals</c>).</summary>
    public RuleBuilder ConversationSignals(params string[] signals) => When(_when with { ConversationSignals = signals });

    /// <summary>A sender counter must fall in [min, max] (<c>counters</c>).</summary>
    public RuleBuilder Counter(string name, int? min = null, int? max = null)
    {
        _counters ??= new Dictionary<string, CounterRange>(StringComparer.Ordinal);
        _counters[name] = new CounterRange(min, max);
        return When(_when with { Counters = _counters });
    }

    /// <summary>The message has any of these features (<c>features</c>).</summary>
    public RuleBuilder Features(params MessageFeature[] features) => When(_when with { Features = features });

    /// <summary>Adds the <c>allow</c> action.</summary>
    public RuleBuilder Allow() => Add(new RuleAction(PolicyAction.Allow));

    /// <summary>Adds the <c>warn-sender</c> action.</summary>
    public RuleBuilder WarnSender(string nudge) => Add(new RuleAction(PolicyAction.WarnSender, Nudge: nudge));

    /// <summary>Adds the <c>warn-recipient</c> action.</summary>
    public RuleBuilder WarnRecipient(string nudge) => Add(new RuleAction(PolicyAction.WarnRecipient, Nudge: nudge));

    /// <summary>Adds the <c>hold</c> action.</summary>
    public RuleBuilder Hold() => Add(new RuleAction(PolicyAction.Hold));

    /// <summary>Adds the <c>block</c> action.</summary>
    public RuleBuilder Block() => Add(new RuleAction(PolicyAction.Block));

    /// <summary>Adds the <c>deny-join</c> action.</summary>
    public RuleBuilder DenyJoin() => Add(new RuleAction(PolicyAction.DenyJoin));

    /// <summary>Adds the <c>freeze</c> action.</summary>
    public RuleBuilder Freeze() => Add(new RuleAction(PolicyAction.Freeze));

    /// <summary>Adds the <c>escalate</c> action.</summary>
    public RuleBuilder Escalate(Severity severity) => Add(new RuleAction(PolicyAction.Escalate, severity));

    /// <summary>Adds the <c>hold-sender</c> action.</summary>
    public RuleBuilder HoldSender() => Add(new RuleAction(PolicyAction.HoldSender));

    /// <summary>Adds any action (validated at <see cref="PolicyBuilder.Build"/>).</summary>
    public RuleBuilder Action(RuleAction action) => Add(action);

    internal PolicyRule Build() => _rule with
    {
        // Copy what the caller handed in, so the built policy cannot change afterwards.
        Conditions = _when with
        {
            Rooms = _when.Rooms?.ToArray(),
            SenderAges = _when.SenderAges?.ToArray(),
            SenderAssurance = _when.SenderAssurance?.ToArray(),
            RecipientAges = _when.RecipientAges?.ToArray(),
            RecipientAssurance = _when.RecipientAssurance?.ToArray(),
            MessageSignals = _when.MessageSignals?.ToArray(),
            ConversationSignals = _when.ConversationSignals?.ToArray(),
            Features = _when.Features?.ToArray(),
            Counters = _counters is null ? null : new Dictionary<string, CounterRange>(_counters, StringComparer.Ordinal),
        },
        Actions = _actions.ToArray(),
    };

    private RuleBuilder Set(PolicyRule rule)
    {
        _rule = rule;
        return this;
    }

    private RuleBuilder When(RuleConditions conditions)
    {
        _when = conditions;
        return this;
    }

    private RuleBuilder Add(RuleAction action)
    {
        _actions.Add(action ?? throw new ArgumentNullException(nameof(action)));
        return this;
    }
}
