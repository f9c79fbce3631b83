using SafeChat.Conversations;
using SafeChat.Inference.Features;
using SafeChat.Scoring;
using SafeChat.Training.Data;
using SafeChat.Training.Evaluation;

namespace SafeChat.Training;

/// <summary>
/// Builds aggregator training rows by replaying a conversation: after a sample of messages, each author's window
/// features get a label per harm. A predator's rows are positive from the expected alert point on (synthetic
/// <c>alert_by</c>), left out between the first signal and that point, and negative before the first signal;
/// everyone else is negative. Each conversation weighs 1 in total, so long conversations do not dominate.
/// </summary>
internal static class AggregatorRows
{
    private static readonly ScorerDescriptor Descriptor = new("aggregator-rows", "replay", SignalNames.All, new Dictionary<string, float>());

    public static void Add(ChatConversation conversation, IReadOnlyList<MessageSignals[]> unitsPerMessage, List<AggregatorRow> rows)
    {
        int n = conversation.Messages.Count;
        if (n == 0)
        {
            return;
        }

        var combined = new MessageSignals[n];
        for (int i = 0; i < n; i++)
        {
            combined[i] = unitsPerMessage[i].Length == 0 ? MessageSignals.Empty(SignalNames.All.Count) : ModelLayout.Combine(unitsPerMessage[i]);
        }

        // Multi-party IRC windows have many authors each: every 10th message keeps their row count near a synthetic chat's.
        int stride = conversation.Source == "vtpan" ? n : conversation.Source == "ubuntu" ? 10 : n <= 60 ? 1 : n <= 150 ? 2 : 3;
        var features = new WindowFeatures();
        int firstRow = rows.Count;
        int? firstSignal = conversation.FirstSignalIndex;
        var cuts = new HashSet<int>();
        for (int t = Math.Min(stride, n) - 1; t < n - 1; t += stride)
        {
            cuts.Add(t);
        }

        cuts.Add(n - 1);

        // The windows come from the engine itself, salient older messages included, exactly as at runtime.
        EngineReplay.Run(Descriptor, null, conversation, combined, step =>
        {
            int t = step.MessageIndex;
            if (!cuts.Contains(t))
            {
                return;
            }

            features.Build(step.Window);
            int f = RiskFeatures.Count;
            for (int a = 0; a < features.Authors.Count; a++)
            {
                var labels = Labels(conversation, features.Authors[a], t, firstSignal, step.Window);
                if (labels[0] < 0 && labels[1] < 0)
                {
                    continue;
                }

                rows.Add(new AggregatorRow(features.Features.Slice(a * f, f).ToArray(), labels, 1f, conversation.Source));
            }
        });

        int count = rows.Count - firstRow;
        for (int r = firstRow; r < rows.Count; r++)
        {
            rows[r] = rows[r] with { Weight = 1f / count };
        }
    }

    private static sbyte[] Labels(ChatConversation c, string author, int t, int? firstSignal, IReadOnlyList<WindowMessage> window)
    {
        if (c.Label == HarmLabel.Benign || !c.Predators.Contains(author))
        {
            return [0, 0];
        }

        switch (c.Source)
        {
            case "pj" or "pjx":
                // A real session (pjx) starts where the offender starts talking: positive from their 3rd message on.
                int said = window.Count(m => m.AuthorId == author);
                return [said >= (c.Source == "pjx" ? 3 : 5) ? (sbyte)1 : (sbyte)-1, 0];
            case "vtpan" or "pj-pasted":
                return [1, 0];
            case "synthetic-pasted":
                return c.Label == HarmLabel.Grooming ? [1, 0] : [-1, 1];
            default:
                int harm = c.Label == HarmLabel.Grooming ? 0 : 1;
                sbyte target = t >= (c.AlertBy ?? firstSignal ?? int.MaxValue) ? (sbyte)1
                    : firstSignal.HasValue && t >= firstSignal.Value ? (sbyte)-1
                    : firstSignal.HasValue ? (sbyte)0 : (sbyte)-1;
                return harm == 0 ? [target, 0] : [-1, target];
        }
    }
}
