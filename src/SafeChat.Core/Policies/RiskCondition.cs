namespace SafeChat.Policies;

/// <summary>A risk condition: the harm's risk must reach a fixed minimum or the policy's per-age-band threshold.</summary>
/// <param name="Harm">The harm (<see cref="Scoring.HarmNames"/>).</param>
/// <param name="Source">Whose risk is read.</param>
/// <param name="Min">A fixed minimum; null uses <see cref="PolicyDefinition.Thresholds"/> for the recipient's age band.</param>
public sealed record RiskCondition(string Harm, RiskSource Source = RiskSource.Sender, float? Min = null);
