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
    public static void Add(ChatConversation conversation, IReadOnlyList<MessageSignals[]> unitsPerMessage, List<AggregatorRow> rows)
    {
        int n = conversation.Messages.Count;
        if (n == 0)
        {
            return;
        }

        var registry = new ChunkRegistry();
        var combined = new MessageSignals[n];
        for (int i = 0; i < n; i++)
        {
            combined[i] = unitsPerMessage[i].Length == 0 ? MessageSignals.Empty(SignalNames.All.Count) : registry.Combine(unitsPerMessage[i]);
        }

        int stride = conversation.Source == "vtpan" ? n : n <= 60 ? 1 : n <= 150 ? 2 : 3;
        var window = new List<WindowMessage>(Replay.WindowSize);
        var features = new WindowFeatures();
        int firstRow = rows.Count;
        int? firstSignal = conversation.FirstSignalIndex;
        var cuts = new List<int>();
        for (int t = Math.Min(stride, n) - 1; t < n - 1; t += stride)
        {
            cuts.Add(t);
        }

        cuts.Add(n - 1);
        foreach (int t in cuts)
        {
            window.Clear();
            int start = Math.Max(0, t - Replay.WindowSize + 1);
            for (int i = start; i <= t; i++)
            {
                var author = conversation.Messages[i].Author;
                window.Add(new WindowMessage(i, author, conversation.Ages.GetValueOrDefault(author, AgeBand.Unknown), combined[i], AgeAssurance.Verified));
            }

            features.Build(window, registry.Expand);
            int f = RiskFeatures.Count;
            for (int a = 0; a < features.Authors.Count; a++)
            {
                var labels = Labels(conversation, features.Authors[a], t, firstSignal, window);
                if (labels[0] < 0 && labels[1] < 0)
                {
                    continue;
                }

                rows.Add(new AggregatorRow(features.Features.Slice(a * f, f).ToArray(), labels, 1f, conversation.Source));
            }
        }

        int count = rows.Count - firstRow;
        for (int r = firstRow; r < rows.Count; r++)
        {
            rows[r] = rows[r] with { Weight = 1f / count };
        }
    }

    private static sbyte[] Labels(ChatConversation c, string author, int t, int? firstSignal, List<WindowMessage> window)
    {
        if (c.Label == HarmLabel.Benign || !c.Predators.Contains(author))
        {
            return [0, 0];
        }

        switch (c.Source)
        {
            case "pj":
                int said = window.Count(m => m.AuthorId == author);
                return [said >= 5 ? (sbyte)1 : (sbyte)-1, 0];
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
