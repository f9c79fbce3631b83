using SafeChat.Policies;

namespace SafeChat.Cli;

/// <summary>
/// What counts as an alert when evaluating. Without a policy: the engine's alerts (<c>flagged</c>,
/// <c>first_alert_index</c>; for one harm, also that harm's highest risk reached its alert threshold). With a policy:
/// the policy's escalations (an <c>escalate</c> decision, shadow or not, of a rule with a risk condition on that harm),
/// at the message of the first one.
/// </summary>
internal sealed class AlertView
{
    private readonly IReadOnlyDictionary<string, float>? _modelThresholds;
    private readonly IReadOnlyDictionary<string, string>? _ruleHarms;

    private AlertView(string description, IReadOnlyDictionary<string, float>? modelThresholds, IReadOnlyDictionary<string, string>? ruleHarms)
    {
        Description = description;
        _modelThresholds = modelThresholds;
        _ruleHarms = ruleHarms;
    }

    /// <summary>For people: "engine alerts (grooming ≥ 0.62, …)" or "escalations of policy X".</summary>
    public string Description { get; }

    /// <summary>True for the policy view.</summary>
    public bool IsPolicy => _ruleHarms is not null;

    public static AlertView Model(IReadOnlyDictionary<string, float> thresholds) =>
        new(
            "engine alerts (" + string.Join(", ", thresholds.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => FormattableString.Invariant($"{p.Key} >= {p.Value:0.####}"))) + ")",
            thresholds,
            null);

    public static AlertView Policy(PolicyDefinition policy)
    {
        var ruleHarms = policy.Rules
            .Where(r => r.Enabled && r.Conditions.Risk is not null && r.Actions.Any(a => a.Action == PolicyAction.Escalate))
            .ToDictionary(r => r.Id, r => r.Conditions.Risk!.Harm, StringComparer.Ordinal);
        return new AlertView($"escalations of policy {policy.Version}", null, ruleHarms);
    }

    /// <summary>Whether this conversation alerted for <paramref name="harm"/> (null = any harm), and at which message first.</summary>
    public (bool Alerted, int? FirstIndex) For(ScoredConversation scored, string? harm)
    {
        if (_ruleHarms is null)
        {
            if (harm is null)
            {
                return (scored.Flagged, scored.FirstAlertIndex);
            }

            var alerted = scored.Flagged && scored.Harms.GetValueOrDefault(harm) >= _modelThresholds!.GetValueOrDefault(harm, Engine.SafeChatEngine.FallbackAlertThreshold);
            return (alerted, alerted ? scored.FirstAlertIndex : null);
        }

        int? first = null;
        foreach (var decision in scored.Decisions)
        {
            if (decision.Action == "escalate"
                && _ruleHarms.TryGetValue(decision.Rule, out var ruleHarm)
                && (harm is null || ruleHarm == harm)
                && (first is null || decision.MessageIndex < first))
            {
                first = decision.MessageIndex;
            }
        }

        return (first is not null, first);
    }
}
