namespace SafeChat.Policies;

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
