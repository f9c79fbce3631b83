namespace SafeChat.Scoring;

/// <summary>The risk of a conversation window.</summary>
public sealed class RiskAssessment
{
    /// <summary>Creates an assessment.</summary>
    public RiskAssessment(IReadOnlyDictionary<string, float> harms, IReadOnlyList<AuthorRisk> authors, IReadOnlyList<SignalEvidence> signals)
    {
        Harms = harms;
        Authors = authors;
        Signals = signals;
        float max = 0;
        foreach (var value in harms.Values)
        {
            max = Math.Max(max, value);
        }

        Risk = max;
    }

    /// <summary>Risk per harm in [0,1], keyed by <see cref="HarmNames"/>.</summary>
    public IReadOnlyDictionary<string, float> Harms { get; }

    /// <summary>The highest harm risk.</summary>
    public float Risk { get; }

    /// <summary>Per-author risk, riskiest first.</summary>
    public IReadOnlyList<AuthorRisk> Authors { get; }

    /// <summary>The signals that explain the risk, strongest first.</summary>
    public IReadOnlyList<SignalEvidence> Signals { get; }

    /// <summary>An assessment with no risk.</summary>
    public static RiskAssessment None { get; } = new(
        new Dictionary<string, float> { [HarmNames.Grooming] = 0f, [HarmNames.Sextortion] = 0f }, [], []);
}
