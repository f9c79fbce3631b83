using SafeChat.Scoring;
using SafeChat.Training.Data;

namespace SafeChat.Training.Evaluation;

/// <summary>A named evaluation dataset and its result.</summary>
internal sealed record DatasetResult(string Name, string Harm, string HowMeasured, MetricSet Metrics);

/// <summary>Replays datasets through a scorer and computes the per-dataset metrics at the given thresholds.</summary>
internal sealed class EvaluationRunner(ISafetyScorer scorer, IReadOnlyDictionary<string, float> thresholds)
{
    private readonly Dictionary<ChatConversation, ReplayTrace> _traces = new(ReferenceEqualityComparer.Instance);

    public ReplayTrace Trace(ChatConversation conversation)
    {
        if (!_traces.TryGetValue(conversation, out var trace))
        {
            trace = Replay.Run(scorer, conversation);
            _traces[conversation] = trace;
        }

        return trace;
    }

    /// <summary>Scores one harm: positives are conversations labelled with it, negatives the benign ones.</summary>
    public MetricSet Measure(IEnumerable<ChatConversation> conversations, int harm)
    {
        var label = LineExamples.LabelOf(harm);
        float threshold = thresholds[HarmNames.All[harm]];
        var items = new List<ScoredConversation>();
        foreach (var c in conversations)
        {
            if (c.Label != label && c.Label != HarmLabel.Benign)
            {
                continue;
            }

            var trace = Trace(c);
            int? alert = trace.FirstAlert(harm, threshold);
            bool positive = c.Label == label;
            bool? rightAuthor = positive && alert.HasValue && c.Predators.Count > 0 && c.Messages.Select(m => m.Author).Distinct().Count() > 1
                ? c.Predators.Contains(trace.TopAuthor[harm][alert.Value] ?? string.Empty)
                : null;
            items.Add(new ScoredConversation(positive, trace.Max(harm), alert, c.AlertBy, rightAuthor));
        }

        return Metrics.Compute(items);
    }

    /// <summary>Fraction of conversations where any harm alerts.</summary>
    public (int Flagged, int Total) FlaggedAnyHarm(IEnumerable<ChatConversation> conversations)
    {
        int flagged = 0, total = 0;
        foreach (var c in conversations)
        {
            total++;
            var trace = Trace(c);
            bool any = false;
            for (int h = 0; h < HarmNames.All.Count; h++)
            {
                any |= trace.FirstAlert(h, thresholds[HarmNames.All[h]]).HasValue;
            }

            flagged += any ? 1 : 0;
        }

        return (flagged, total);
    }

    /// <summary>
    /// Chooses a harm's alert threshold on validation data: the lowest threshold that keeps every negative group's
    /// false-positive rate within its limit.
    /// </summary>
    public static float ChooseThreshold(IEnumerable<(IReadOnlyList<float> NegativeScores, double MaxFpr)> groups)
    {
        float threshold = 0.05f;
        foreach (var (scores, maxFpr) in groups)
        {
            if (scores.Count == 0)
            {
                continue;
            }

            var sorted = scores.OrderByDescending(s => s).ToList();
            int allowed = (int)Math.Floor(maxFpr * sorted.Count);
            if (allowed < sorted.Count)
            {
                threshold = Math.Max(threshold, BitIncrement(sorted[allowed]));
            }
        }

        return Math.Min(threshold, 0.99f);
    }

    private static float BitIncrement(float value) => MathF.BitIncrement(value);
}
