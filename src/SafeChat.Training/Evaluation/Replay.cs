using SafeChat.Conversations;
using SafeChat.Scoring;
using SafeChat.Training.Data;

namespace SafeChat.Training.Evaluation;

/// <summary>The risk after every message of a conversation replayed message by message through a scorer.</summary>
internal sealed class ReplayTrace
{
    public required float[][] Risk { get; init; }

    public required string?[][] TopAuthor { get; init; }

    public float Max(int harm) => Risk[harm].Length == 0 ? 0f : Risk[harm].Max();

    public int? FirstAlert(int harm, float threshold)
    {
        var risk = Risk[harm];
        for (int t = 0; t < risk.Length; t++)
        {
            if (risk[t] >= threshold)
            {
                return t;
            }
        }

        return null;
    }
}

/// <summary>Replays conversations through an <see cref="ISafetyScorer"/> the way the engine does (streaming window).</summary>
internal static class Replay
{
    /// <summary>The engine window: the last this-many messages are assessed.</summary>
    public const int WindowSize = 50;

    public static ReplayTrace Run(ISafetyScorer scorer, ChatConversation conversation)
    {
        var texts = conversation.Messages.Select(m => m.Text).ToList();
        var signals = new List<MessageSignals>(texts.Count);
        for (int i = 0; i < texts.Count; i += 64)
        {
            signals.AddRange(scorer.AnalyzeBatch(texts.GetRange(i, Math.Min(64, texts.Count - i))));
        }

        int k = HarmNames.All.Count;
        int n = texts.Count;
        var risk = new float[k][];
        var top = new string?[k][];
        for (int h = 0; h < k; h++)
        {
            risk[h] = new float[n];
            top[h] = new string?[n];
        }

        var window = new List<WindowMessage>(WindowSize);
        for (int t = 0; t < n; t++)
        {
            window.Clear();
            for (int i = Math.Max(0, t - WindowSize + 1); i <= t; i++)
            {
                var author = conversation.Messages[i].Author;
                window.Add(new WindowMessage(i, author, conversation.Ages.GetValueOrDefault(author, AgeBand.Unknown), signals[i], AgeAssurance.Verified));
            }

            var assessment = scorer.Assess(window);
            for (int h = 0; h < k; h++)
            {
                string harm = HarmNames.All[h];
                risk[h][t] = assessment.Harms.GetValueOrDefault(harm);
                float best = -1;
                foreach (var author in assessment.Authors)
                {
                    float r = author.Harms.GetValueOrDefault(harm);
                    if (r > best)
                    {
                        best = r;
                        top[h][t] = author.AuthorId;
                    }
                }
            }
        }

        return new ReplayTrace { Risk = risk, TopAuthor = top };
    }
}
