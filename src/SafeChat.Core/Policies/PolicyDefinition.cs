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
