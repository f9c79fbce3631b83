namespace SafeChat.Scoring;

/// <summary>The risk of a conversation window.</summary>
public sealed class RiskAssessment
{
    /// <summary>Creates an assessment.</summary>
    public RiskAssessment(IReadOnlyDictionary<string, float> harms, IReadOnlyList<AuthorRisk> authors, IReadOnlyList<SignalEvidence> signals)
        : this(harms, authors, signals, null)
    {
    }

    /// <summary>Creates an assessment with a room-level risk (see <see cref="RoomRisk"/>).</summary>
    public RiskAssessment(IReadOnlyDictionary<string, float> harms, IReadOnlyList<AuthorRisk> authors, IReadOnlyList<SignalEvidence> signals, RoomRisk? room)
    {
        Room = room;
        Harms = harms;
        Authors = authors;
        Signals = signals;
        float max = 0;
        if (harms.Values is float[] values)
        {
            // The scorer's harms over one array: the same maximum, without an enumerator per assessment.
            for (var i = 0; i < values.Length; i++)
            {
                max = Math.Max(max, values[i]);
            }
        }
        else
        {
            foreach (var value in harms.Values)
            {
                max = Math.Max(max, value);
            }
        }

        Risk = max;
    }

    /// <summary>
    /// Room-level risk (the pooled signals of everyone but the target in a room of at least three participants), or null
    /// when the window has fewer participants. It is also part of <see cref="Harms"/> (the conversation's risk).
    /// </summary>
    public RoomRisk? Room { get; }

    /// <summary>Risk per harm in [0,1], keyed by <see cref="HarmNames"/>.</summary>
    public IReadOnlyDictionary<string, float> Harms { get; }

    /// <summary>The highest harm risk.</summary>
    public float Risk { get; }

    /// <summary>Per-author risk, riskiest first.</summary>
    public IReadOnlyList<AuthorRisk> Authors { get; }

    /// <summary>The signals that explain the risk, strongest first.</summary>
    public IReadOnlyList<SignalEvidence> Signals { get; }

    /// <summary>An assessment with no risk.</summary>
    public static RiskAssessment None { get; } = new(HarmNames.All.ToDictionary(h => h, _ => 0f, StringComparer.Ordinal), [], []);
}
