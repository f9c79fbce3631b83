using SafeChat.Conversations;

namespace SafeChat.Policies;

/// <summary>
/// A validated, immutable policy: the rule graph that <see cref="PolicyLoader"/> reads from a file and
/// <see cref="PolicyBuilder"/> builds in code. Hand it to <see cref="PolicyEngine"/> to evaluate it.
/// </summary>
public sealed class PolicyDefinition
{
    internal PolicyDefinition(
        string id,
        string? description,
        bool shadow,
        float hysteresis,
        PolicyCooldowns cooldowns,
        IReadOnlyDictionary<string, HarmThresholds> thresholds,
        AgeAssurance trustAdultAgeFrom,
        IReadOnlyList<PolicyRule> rules,
        string version)
    {
        Id = id;
        Description = description;
        Shadow = shadow;
        Hysteresis = hysteresis;
        Cooldowns = cooldowns;
        Thresholds = thresholds;
        TrustAdultAgeFrom = trustAdultAgeFrom;
        Rules = rules;
        Version = version;
    }

    /// <summary>The policy id (file key <c>id</c>).</summary>
    public string Id { get; }

    /// <summary>A human description (file key <c>description</c>).</summary>
    public string? Description { get; }

    /// <summary>When true every rule runs in shadow mode: evaluated and recorded, never enforced (file key <c>shadow</c>).</summary>
    public bool Shadow { get; }

    /// <summary>The default hysteresis margin for risk conditions (file key <c>hysteresis</c>, default 0.1).</summary>
    public float Hysteresis { get; }

    /// <summary>Default cooldowns per action family (file key <c>cooldowns</c>).</summary>
    public PolicyCooldowns Cooldowns { get; }

    /// <summary>Per-harm, per-age-band risk thresholds (file key <c>thresholds</c>).</summary>
    public IReadOnlyDictionary<string, HarmThresholds> Thresholds { get; }

    /// <summary>
    /// The weakest age assurance at which an <see cref="AgeBand.Adult"/> band is believed (file key
    /// <c>trust_adult_age_from</c>). An adult band with weaker assurance is evaluated as <see cref="AgeBand.Unknown"/>.
    /// <see cref="AgeAssurance.Unknown"/> (the default) believes every adult band.
    /// </summary>
    public AgeAssurance TrustAdultAgeFrom { get; }

    /// <summary>The rules, in evaluation order.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; }

    /// <summary>The policy id plus a short sha256 of the source text, for example <c>strict-minors@1a2b3c4d5e6f</c>.</summary>
    public string Version { get; }

    /// <summary>The age band a rule sees for <paramref name="participant"/> after applying <see cref="TrustAdultAgeFrom"/>.</summary>
    public AgeBand EffectiveAgeBand(Participant participant)
    {
        if (participant is null)
        {
            throw new ArgumentNullException(nameof(participant));
        }

        return participant.AgeBand == AgeBand.Adult && participant.AgeAssurance < TrustAdultAgeFrom
            ? AgeBand.Unknown
            : participant.AgeBand;
    }

    /// <summary>
    /// Every age band a rule may see for <paramref name="participant"/>. Usually just <see cref="EffectiveAgeBand"/>. For
    /// an unassured minor claim (<see cref="Participant.IsUnassuredMinor"/>: self-declared, or no assurance) it also holds
    /// <see cref="AgeBand.Unknown"/> and the band an adult with the same assurance gets (adult, or unknown below
    /// <see cref="TrustAdultAgeFrom"/>), since the claim proves nothing. A protective rule matches when any of these bands
    /// matches; a rule that allows or stops matches only when all of them do. So a claim can only add protection.
    /// </summary>
    public IReadOnlyList<AgeBand> PossibleAgeBands(Participant participant)
    {
        var mask = AgeBandMask(participant);
        var bands = new List<AgeBand>(3);
        foreach (var band in new[] { AgeBand.Child, AgeBand.Teen, AgeBand.Adult, AgeBand.Unknown })
        {
            if ((mask & (1 << (int)band)) != 0)
            {
                bands.Add(band);
            }
        }

        return bands;
    }

    /// <summary>The bands of <see cref="PossibleAgeBands"/> as a bit mask (bit <c>1 &lt;&lt; (int)band</c>).</summary>
    internal int AgeBandMask(Participant participant)
    {
        var mask = 1 << (int)EffectiveAgeBand(participant);
        if (participant.IsUnassuredMinor)
        {
            mask |= 1 << (int)AgeBand.Unknown;
            mask |= 1 << (int)(participant.AgeAssurance < TrustAdultAgeFrom ? AgeBand.Unknown : AgeBand.Adult);
        }

        return mask;
    }
}

/// <summary>Default cooldowns for rules that do not set their own.</summary>
/// <param name="Escalate">For rules that escalate (default 24 hours).</param>
/// <param name="Freeze">For rules that freeze a conversation (default 24 hours).</param>
/// <param name="Warn">For rules that only nudge (default 10 minutes).</param>
public sealed record PolicyCooldowns(TimeSpan Escalate, TimeSpan Freeze, TimeSpan Warn)
{
    /// <summary>24 h for escalate and freeze, 10 min for nudges.</summary>
    public static PolicyCooldowns Default { get; } = new(TimeSpan.FromHours(24), TimeSpan.FromHours(24), TimeSpan.FromMinutes(10));
}

/// <summary>Risk thresholds of one harm, per age band of the protected party (the recipient).</summary>
/// <param name="Child">For recipients under 13.</param>
/// <param name="Teen">For recipients 13 to 17.</param>
/// <param name="Adult">For adult recipients.</param>
/// <param name="Unknown">For recipients of unknown (or untrusted adult) age.</param>
public sealed record HarmThresholds(float Child, float Teen, float Adult, float Unknown)
{
    /// <summary>The threshold for <paramref name="band"/>.</summary>
    public float For(AgeBand band) => band switch
    {
        AgeBand.Child => Child,
        AgeBand.Teen => Teen,
        AgeBand.Adult => Adult,
        _ => Unknown,
    };
}

/// <summary>What a rule reacts to.</summary>
public enum RuleTrigger
{
    /// <summary>A message (file: <c>"on": "message"</c>, the default).</summary>
    Message = 0,
    /// <summary>A user asking to join a room (file: <c>"on": "join"</c>).</summary>
    Join = 1,
}

/// <summary>Whose risk a risk condition reads.</summary>
public enum RiskSource
{
    /// <summary>The sender's own side of the conversation (<see cref="MessageContext.SenderHarms"/>), the default.</summary>
    Sender = 0,
    /// <summary>The whole conversation (<see cref="MessageContext.Assessment"/>).</summary>
    Conversation = 1,
}

/// <summary>How widely a rule's fire-once state is shared.</summary>
public enum StateScope
{
    /// <summary>Once per (rule, conversation, subject), the default.</summary>
    Conversation = 0,
    /// <summary>Once per (rule, subject) across all conversations (for fan-out rules).</summary>
    Subject = 1,
}

/// <summary>A cheap message feature a rule can require (file names <c>link</c>, <c>image</c>, <c>contact_handle</c>).</summary>
public enum MessageFeature
{
    /// <summary>The message contains a link.</summary>
    Link = 0,
    /// <summary>The message carries an image or video.</summary>
    Image = 1,
    /// <summary>The message contains a phone number or an off-platform handle.</summary>
    ContactHandle = 2,
}

/// <summary>A risk condition: the harm's risk must reach a fixed minimum or the policy's per-age-band threshold.</summary>
/// <param name="Harm">The harm (<see cref="Scoring.HarmNames"/>).</param>
/// <param name="Source">Whose risk is read.</param>
/// <param name="Min">A fixed minimum; null uses <see cref="PolicyDefinition.Thresholds"/> for the recipient's age band.</param>
public sealed record RiskCondition(string Harm, RiskSource Source = RiskSource.Sender, float? Min = null);

/// <summary>An inclusive range a per-user counter must fall in.</summary>
/// <param name="Min">The smallest value that matches, or null.</param>
/// <param name="Max">The largest value that matches, or null.</param>
public sealed record CounterRange(int? Min, int? Max);

/// <summary>
/// The conditions of a rule. Every condition that is set must hold (logical AND). Null means "any".
/// Recipient conditions (age, assurance, connected, and the per-age-band risk threshold) must hold for at least one
/// recipient; for join rules "sender" means the joiner and "recipients" the room's members.
/// </summary>
public sealed record RuleConditions
{
    /// <summary>Room kinds (file key <c>room</c>).</summary>
    public IReadOnlyList<RoomKind>? Rooms { get; init; }

    /// <summary>Sender (or joiner) age bands (file keys <c>sender_age</c> / <c>joiner_age</c>).</summary>
    public IReadOnlyList<AgeBand>? SenderAges { get; init; }

    /// <summary>Sender (or joiner) age assurance levels (file keys <c>sender_assurance</c> / <c>joiner_assurance</c>).</summary>
    public IReadOnlyList<AgeAssurance>? SenderAssurance { get; init; }

    /// <summary>Recipient (or member) age bands (file keys <c>recipient_age</c> / <c>member_age</c>).</summary>
    public IReadOnlyList<AgeBand>? RecipientAges { get; init; }

    /// <summary>Recipient (or member) age assurance levels (file keys <c>recipient_assurance</c> / <c>member_assurance</c>).</summary>
    public IReadOnlyList<AgeAssurance>? RecipientAssurance { get; init; }

    /// <summary>Whether the sender must (true) or must not (false) be connected to the recipient (file key <c>connected</c>).</summary>
    public bool? Connected { get; init; }

    /// <summary>A risk condition (file key <c>risk</c>; message rules only).</summary>
    public RiskCondition? Risk { get; init; }

    /// <summary>Any of these signals fired on this message (file key <c>message_signals</c>; message rules only).</summary>
    public IReadOnlyList<string>? MessageSignals { get; init; }

    /// <summary>Any of these signals explains the conversation's risk (file key <c>conversation_signals</c>; message rules only).</summary>
    public IReadOnlyList<string>? ConversationSignals { get; init; }

    /// <summary>Sender counters and their ranges, by <see cref="UserCounters.Names"/> (file key <c>counters</c>; message rules only).</summary>
    public IReadOnlyDictionary<string, CounterRange>? Counters { get; init; }

    /// <summary>The message has any of these features (file key <c>features</c>; message rules only).</summary>
    public IReadOnlyList<MessageFeature>? Features { get; init; }
}

/// <summary>One action of a rule.</summary>
/// <param name="Action">The action.</param>
/// <param name="Severity">The severity; required for <see cref="PolicyAction.Escalate"/> and only allowed there.</param>
/// <param name="Nudge">The nudge text; required for warn actions and only allowed there.</param>
public sealed record RuleAction(PolicyAction Action, Severity? Severity = null, string? Nudge = null);

/// <summary>One rule of a policy.</summary>
public sealed record PolicyRule
{
    /// <summary>The stable rule id. Never rename a rule: its history (state, reports) is keyed on it.</summary>
    public required string Id { get; init; }

    /// <summary>A human description.</summary>
    public string? Description { get; init; }

    /// <summary>The regulation or guidance the rule follows (documentation only).</summary>
    public string? Regulation { get; init; }

    /// <summary>What the rule reacts to.</summary>
    public RuleTrigger Trigger { get; init; }

    /// <summary>The conditions.</summary>
    public RuleConditions Conditions { get; init; } = new();

    /// <summary>The actions, in order.</summary>
    public IReadOnlyList<RuleAction> Actions { get; init; } = [];

    /// <summary>Shadow mode for this rule only.</summary>
    public bool Shadow { get; init; }

    /// <summary>False disables the rule.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>When true and the rule matches (and is not in shadow mode), later rules are not evaluated.</summary>
    public bool Stop { get; init; }

    /// <summary>The rule's cooldown for fire-once actions; null uses the policy default for its actions.</summary>
    public TimeSpan? Cooldown { get; init; }

    /// <summary>The rule's hysteresis margin; null uses <see cref="PolicyDefinition.Hysteresis"/>.</summary>
    public float? Hysteresis { get; init; }

    /// <summary>How widely the fire-once state is shared.</summary>
    public StateScope OncePer { get; init; }
}
