namespace SafeChat.Scoring;

/// <summary>How risky one author of a window is.</summary>
/// <param name="AuthorId">The author.</param>
/// <param name="Harms">Risk per harm for this author's side of the conversation.</param>
public sealed record AuthorRisk(string AuthorId, IReadOnlyDictionary<string, float> Harms)
{
    /// <summary>The highest harm risk of this author.</summary>
    public float Risk => Harms.Count == 0 ? 0f : Harms.Values.Max();
}
