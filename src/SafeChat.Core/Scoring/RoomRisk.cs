namespace SafeChat.Scoring;

/// <summary>
/// Room-level risk: in a room with at least three participants, the signals of everyone except the apparent target (the
/// minor, or the streamer) are pooled as one pseudo-author, so that coercion split across several people adds up.
/// </summary>
/// <param name="TargetId">The participant the pooled authors are read as directing (a known minor, else the strongest minor cue).</param>
/// <param name="Harms">Risk per harm of the pooled authors (only the harms assessed at room level; others are 0).</param>
/// <param name="ContributingAuthors">The authors whose signals of a room-level harm fired, in first-appearance order.</param>
public sealed record RoomRisk(string TargetId, IReadOnlyDictionary<string, float> Harms, IReadOnlyList<string> ContributingAuthors)
{
    /// <summary>The harms assessed at room level: livestream coercion, and grooming.</summary>
    public static IReadOnlyList<string> RoomHarms { get; } = [HarmNames.LivestreamCoercion, HarmNames.Grooming];

    /// <summary>The highest room-level risk.</summary>
    public float Risk => Harms.Count == 0 ? 0f : Harms.Values.Max();
}
