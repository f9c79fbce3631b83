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

/// <summary>
/// Replays conversations through an <see cref="ISafetyScorer"/> on the shipped engine (<see cref="EngineReplay"/>): the
/// same window, salient messages and assessment as <c>safechat score</c> and the SDKs.
/// </summary>
internal static class Replay
{
    /// <summary>The engine's default window: the last this-many messages (plus salient older ones) are assessed.</summary>
    public static int WindowSize => EngineReplay.Options().WindowSize;

    public static ReplayTrace Run(ISafetyScorer scorer, ChatConversation conversation)
    {
        var signals = EngineReplay.ScoreMessages(scorer, conversation);
        int k = HarmNames.All.Count;
        int n = signals.Length;
        var risk = new float[k][];
        var top = new string?[k][];
        for (int h = 0; h < k; h++)
        {
            risk[h] = new float[n];
            top[h] = new string?[n];
        }

        EngineReplay.Run(scorer.Descriptor, scorer.Assess, conversation, signals, step =>
        {
            int t = step.MessageIndex;
            var assessment = step.Evaluation.Assessment;
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
        });

        return new ReplayTrace { Risk = risk, TopAuthor = top };
    }
}
