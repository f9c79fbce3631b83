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
                var labels = Scoped(Labels(conversation, features.Authors[a], t, firstSignal, step.Window), conversation.ScopedHarms);
                if (labels.All(l => l < 0))
                {
                    continue;
                }

                rows.Add(new AggregatorRow(features.Features.Slice(a * f, f).ToArray(), labels, 1f, conversation.Source));
            }

            // Room level: everyone but the target pooled, as at runtime (SafetyScorerCore). Benign rooms are negatives
            // for every harm; a livestream-coercion room is a positive once a predator is among the pooled authors and
            // the alert point is reached (other harms unlabeled).
            int target = features.RoomTarget();
            if (target >= 0)
            {
                features.BuildRoom(target);
                var labels = Scoped(RoomLabels(conversation, features, target, t, firstSignal), conversation.ScopedHarms);
                if (!labels.All(l => l < 0))
                {
                    int row = features.Authors.Count;
                    rows.Add(new AggregatorRow(features.FeatureBuffer.AsSpan(row * f, f).ToArray(), labels, 1f, conversation.Source));
                }
            }
        });

        int count = rows.Count - firstRow;
        for (int r = firstRow; r < rows.Count; r++)
        {
            rows[r] = rows[r] with { Weight = 1f / count };
        }
    }

    private static sbyte[] RoomLabels(ChatConversation c, WindowFeatures features, int target, int t, int? firstSignal)
    {
        int k = HarmNames.All.Count;
        var labels = new sbyte[k];
        if (c.Label == HarmLabel.Benign)
        {
            return labels;
        }

        Array.Fill(labels, (sbyte)-1);
        bool predatorPooled = false;
        for (int a = 0; a < features.Authors.Count; a++)
        {
            predatorPooled |= a != target && c.Predators.Contains(features.Authors[a]);
        }

        if (!predatorPooled || c.Source is "pj" or "pjx" or "vtpan" or "pj-pasted" or "synthetic-pasted")
        {
            return labels;
        }

        // Only livestream coercion learns from pooled positives (a group directing one child); grooming's pooled rows
        // would mix the other children's chatter into positives, so harmful rooms of other harms stay unlabeled.
        if (c.Label == HarmLabel.LivestreamCoercion)
        {
            labels[LineExamples.HarmIndex(c.Label)] = Target(c, t, firstSignal);
        }

        return labels;
    }

    /// <summary>
    /// Per-harm labels with the harms outside <paramref name="harms"/> unused (a scoped conversation: a
    /// <c>--scoped-conversations</c> file, a translated VTPAN log); null keeps them.
    /// </summary>
    internal static sbyte[] Scoped(sbyte[] labels, IReadOnlySet<int>? harms)
    {
        if (harms is not null)
        {
            for (int h = 0; h < labels.Length; h++)
            {
                if (!harms.Contains(h))
                {
                    labels[h] = -1;
                }
            }
        }

        return labels;
    }

    private static sbyte Target(ChatConversation c, int t, int? firstSignal) =>
        t >= (c.AlertBy ?? firstSignal ?? int.MaxValue) ? (sbyte)1
        : firstSignal.HasValue && t >= firstSignal.Value ? (sbyte)-1
        : firstSignal.HasValue ? (sbyte)0 : (sbyte)-1;

    /// <summary>
    /// Per-harm labels of one author. Benign conversations and non-predators: negative for every harm. A predator:
    /// their harm's label follows the alert point; for a grooming predator the other harms are negatives, for any
    /// other harm's predator grooming is unlabeled (their moves overlap) and the remaining harms are negatives.
    /// </summary>
    private static sbyte[] Labels(ChatConversation c, string author, int t, int? firstSignal, IReadOnlyList<WindowMessage> window)
    {
        int k = HarmNames.All.Count;
        var labels = new sbyte[k];
        if (c.Label == HarmLabel.Benign || !c.Predators.Contains(author))
        {
            return labels;
        }

        int harm = LineExamples.HarmIndex(c.Label);
        switch (c.Source)
        {
            case "pj" or "pjx":
                // A real session (pjx) starts where the offender starts talking: positive from their 3rd message on.
                int said = window.Count(m => m.AuthorId == author);
                labels[0] = said >= (c.Source == "pjx" ? 3 : 5) ? (sbyte)1 : (sbyte)-1;
                return labels;
            case "vtpan" or "pj-pasted":
                labels[0] = 1;
                return labels;
            case "synthetic-pasted":
                labels[harm] = 1;
                if (harm != 0)
                {
                    labels[0] = -1;
                }

                return labels;
            default:
                labels[harm] = Target(c, t, firstSignal);
                if (harm != 0)
                {
                    labels[0] = -1;
                }

                return labels;
        }
    }
}
