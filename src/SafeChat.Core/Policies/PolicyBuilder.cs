using SafeChat.Conversations;

namespace SafeChat.Policies;

/// <summary>
/// Builds a policy in code. It mirrors the file format key for key and produces the same immutable
/// <see cref="PolicyDefinition"/> as <see cref="PolicyLoader"/>, validated by the same checks. Use a builder once.
/// </summary>
/// <example>
/// <code>
/// var policy = new PolicyBuilder("my-policy")
///     .Threshold(HarmNames.Grooming, child: 0.5f, teen: 0.6f, adult: 0.9f, unknown: 0.7f)
///     .MessageRule("dm-block-non-connected", r => r
///         .Rooms(RoomKind.Direct).SenderAges(AgeBand.Adult, AgeBand.Unknown)
///         .RecipientAges(AgeBand.Child, AgeBand.Teen).Connected(false)
///         .Block())
///     .Build();
/// </code>
/// </example>
public sealed class PolicyBuilder
{
    private readonly string _id;
    private readonly List<PolicyRule> _rules = [];
    private readonly Dictionary<string, HarmThresholds> _thresholds = new(StringComparer.Ordinal);
    private string? _description;
    private bool _shadow;
    private float _hysteresis = 0.1f;
    private PolicyCooldowns _cooldowns = PolicyCooldowns.Default;
    private AgeAssurance _trustAdultAgeFrom = AgeAssurance.Unknown;

    /// <summary>Starts a policy with its id (file key <c>id</c>).</summary>
    public PolicyBuilder(string id)
    {
        _id = id ?? string.Empty;
    }

    /// <summary>Sets the description (file key <c>description</c>).</summary>
    public PolicyBuilder Description(string description)
    {
        _description = description;
        return this;
    }

    /// <summary>Runs the whole policy in shadow mode (file key <c>shadow</c>).</summary>
    public PolicyBuilder Shadow(bool shadow = true)
    {
        _shadow = shadow;
        return this;
    }

    /// <summary>Sets the default hysteresis margin (file key <c>hysteresis</c>).</summary>
    public PolicyBuilder Hysteresis(float margin)
    {
        _hysteresis = margin;
        return this;
    }

    /// <summary>Sets default cooldowns (file key <c>cooldowns</c>); null keeps a default.</summary>
    public PolicyBuilder Cooldowns(TimeSpan? escalate = null, TimeSpan? freeze = null, TimeSpan? warn = null)
    {
        _cooldowns = new PolicyCooldowns(escalate ?? _cooldowns.Escalate, freeze ?? _cooldowns.Freeze, warn ?? _cooldowns.Warn);
        return this;
    }

    /// <summary>Sets a harm's thresholds per age band (file key <c>thresholds</c>).</summary>
    public PolicyBuilder Threshold(string harm, float child, float teen, float adult, float unknown)
    {
        _thresholds[harm] = new HarmThresholds(child, teen, adult, unknown);
        return this;
    }

    /// <summary>
    /// Sets a harm's thresholds relative to the model's calibrated alert threshold, one offset per age band (file value
    /// <c>"model"</c>, <c>"model-0.02"</c>).
    /// </summary>
    public PolicyBuilder ModelThreshold(string harm, float child = 0f, float teen = 0f, float adult = 0f, float unknown = 0f)
    {
        _thresholds[harm] = HarmThresholds.FromModel(child, teen, adult, unknown);
        return this;
    }

    /// <summary>Sets one threshold for every age band of a harm.</summary>
    public PolicyBuilder Threshold(string harm, float all) => Threshold(harm, all, all, all, all);

    /// <summary>Sets the weakest assurance at which an adult band is believed (file key <c>trust_adult_age_from</c>).</summary>
    public PolicyBuilder TrustAdultAgeFrom(AgeAssurance assurance)
    {
        _trustAdultAgeFrom = assurance;
        return this;
    }

    /// <summary>Adds a message rule (<c>"on": "message"</c>).</summary>
    public PolicyBuilder MessageRule(string id, Action<RuleBuilder> configure) => AddRule(id, RuleTrigger.Message, configure);

    /// <summary>Adds a join rule (<c>"on": "join"</c>).</summary>
    public PolicyBuilder JoinRule(string id, Action<RuleBuilder> configure) => AddRule(id, RuleTrigger.Join, configure);

    /// <summary>Validates and returns the policy.</summary>
    /// <exception cref="PolicyValidationException">The policy does not validate; every error is listed.</exception>
    public PolicyDefinition Build()
    {
        var rules = _rules.ToArray();
        var thresholds = new Dictionary<string, HarmThresholds>(_thresholds, StringComparer.Ordinal);
        var draft = new PolicyDefinition(_id, _description, _shadow, _hysteresis, _cooldowns, thresholds, _trustAdultAgeFrom, rules, string.Empty);
        var errors = new List<(string Path, string Reason)>();
        PolicyValidator.Validate(draft, errors);
        if (errors.Count > 0)
        {
            throw new PolicyValidationException(errors.Select(e => new PolicyError("builder", 0, 0, e.Path, e.Reason)).ToArray());
        }

        var version = PolicyLoader.VersionOf(_id, PolicyWriter.ToJson(draft));
        return new PolicyDefinition(_id, _description, _shadow, _hysteresis, _cooldowns, thresholds, _trustAdultAgeFrom, rules, version);
    }

    private PolicyBuilder AddRule(string id, RuleTrigger trigger, Action<RuleBuilder> configure)
    {
        if (configure is null)
        {
            throw new ArgumentNullException(nameof(configure));
        }

        var builder = new RuleBuilder(id, trigger);
        configure(builder);
        _rules.Add(builder.Build());
        return this;
    }
}
