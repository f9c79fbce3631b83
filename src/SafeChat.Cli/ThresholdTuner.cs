using SafeChat.Conversations;
using SafeChat.Policies;

namespace SafeChat.Cli;

/// <summary>
/// Chooses per-harm, per-age-band thresholds on labelled conversations. A conversation alerts for a harm when that
/// harm's highest risk reaches the threshold of its protected band (the youngest effective band in it); thresholds are
/// kept non-decreasing from child to teen to unknown to adult, so that band is also the one with the lowest threshold,
/// as the policy reads it at the recipient's band. For a target FPR, each harm gets the lowest threshold whose FPR on
/// the benign conversations is at most the target (per band when the band has at least ⌈3/target⌉ benign and
/// <see cref="MinPositivesPerBand"/> positive conversations, pooled otherwise); then, while the conversations alerting
/// for any harm exceed the target, the harm whose next step loses the least recall is raised. For a target precision,
/// the lowest threshold reaching that precision; with both, the higher of the two.
/// </summary>
internal static class ThresholdTuner
{
    /// <summary>Positives a band needs to get a threshold of its own.</summary>
    public const int MinPositivesPerBand = 5;

    public static IReadOnlyList<TunedHarm> Tune(
        IReadOnlyList<LabelledConversation> conversations,
        IReadOnlyList<string> harms,
        Func<string, HarmThresholds> baseThresholds,
        double? targetFpr,
        double? targetPrecision)
    {
        var benignCount = conversations.Count(c => c.IsBenign);
        var current = new Dictionary<string, Dictionary<AgeBand, float>>(StringComparer.Ordinal);
        var own = new Dictionary<string, HashSet<AgeBand>>(StringComparer.Ordinal);
        foreach (var harm in harms)
        {
            var examples = Pairs(conversations, harm);
            var pooled = Choose(examples, targetFpr, targetPrecision);
            var bands = new Dictionary<AgeBand, float>();
            own[harm] = [];
            foreach (var band in LabelledConversation.BandOrder)
            {
                var inBand = examples.Where(e => e.Band == band).ToArray();
                var benign = inBand.Count(e => !e.Positive);
                var enough = inBand.Count(e => e.Positive) >= MinPositivesPerBand
                    && (targetFpr is not { } t || benign >= Math.Ceiling(3 / t))
                    && benign > 0;
                bands[band] = enough ? Choose(inBand, targetFpr, targetPrecision) : pooled;
                if (enough)
                {
                    own[harm].Add(band);
                }
            }

            current[harm] = bands;
            MakeMonotone(bands);
        }

        if (targetFpr is { } target)
        {
            var allowed = (int)Math.Floor(target * benignCount + 1e-9);
            while (true)
            {
                var flagged = conversations.Where(c => c.IsBenign && harms.Any(h => Alerts(c, h, current[h]))).ToArray();
                if (flagged.Length <= allowed)
                {
                    break;
                }

                // Raise the harm whose next step (just above its lowest-risk false positive) costs the least recall.
                (string Harm, AgeBand Band, float Threshold, int Lost)? best = null;
                foreach (var harm in harms)
                {
                    var falsePositives = flagged.Where(c => Alerts(c, harm, current[harm])).ToArray();
                    if (falsePositives.Length == 0)
                    {
                        continue;
                    }

                    var lowest = falsePositives.MinBy(c => c.Scored.Harms.GetValueOrDefault(harm))!;
                    var score = lowest.Scored.Harms.GetValueOrDefault(harm);
                    if (score >= 1.0)
                    {
                        continue;
                    }

                    var raised = new Dictionary<AgeBand, float>(current[harm]);
                    raised[lowest.Band] = Above(score, current[harm][lowest.Band]);
                    MakeMonotone(raised);
                    var lost = conversations.Count(c => c.PositiveHarms.Contains(harm) && Alerts(c, harm, current[harm]) && !Alerts(c, harm, raised));
                    if (best is null || lost < best.Value.Lost)
                    {
                        best = (harm, lowest.Band, raised[lowest.Band], lost);
                    }
                }

                if (best is null)
                {
                    break; // Only benign conversations at risk 1 are left: the target cannot be met (the caller reports it).
                }

                current[best.Value.Harm][best.Value.Band] = best.Value.Threshold;
                MakeMonotone(current[best.Value.Harm]);
            }
        }

        return harms.Select(h =>
        {
            var before = LabelledConversation.BandOrder.ToDictionary(b => b, b => baseThresholds(h).For(b));
            return new TunedHarm(h, before, current[h], own[h]);
        }).ToArray();
    }

    /// <summary>Whether <paramref name="conversation"/> alerts for <paramref name="harm"/> at the given per-band thresholds.</summary>
    public static bool Alerts(LabelledConversation conversation, string harm, IReadOnlyDictionary<AgeBand, float> thresholds) =>
        conversation.Scored.Harms.GetValueOrDefault(harm) >= thresholds[conversation.Band];

    /// <summary>The examples of one harm at the given thresholds (positives for that harm against benign ones).</summary>
    public static List<Example> Examples(IReadOnlyList<LabelledConversation> conversations, string harm, IReadOnlyDictionary<AgeBand, float> thresholds) =>
        conversations
            .Where(c => c.IsBenign || c.PositiveHarms.Contains(harm))
            .Select(c => new Example(c.Scored.Harms.GetValueOrDefault(harm), c.PositiveHarms.Contains(harm), Alerts(c, harm, thresholds), null, null))
            .ToList();

    private static (double Score, bool Positive, AgeBand Band)[] Pairs(IReadOnlyList<LabelledConversation> conversations, string harm) =>
        conversations
            .Where(c => c.IsBenign || c.PositiveHarms.Contains(harm))
            .Select(c => (c.Scored.Harms.GetValueOrDefault(harm), c.PositiveHarms.Contains(harm), c.Band))
            .ToArray();

    private static float Choose(IReadOnlyList<(double Score, bool Positive, AgeBand Band)> examples, double? targetFpr, double? targetPrecision)
    {
        // Candidate cut c: alert when score >= c. Scores are 4-decimal; cuts are the distinct scores and one above the top.
        var scores = examples.Select(e => e.Score).Distinct().Order().ToList();
        var cuts = scores.Append(Math.Min(1.0, (scores.Count == 0 ? 0 : scores[^1]) + 0.0001)).Distinct().ToArray();
        var negatives = examples.Count(e => !e.Positive);
        double? fprCut = null, precisionCut = null;
        foreach (var cut in cuts)
        {
            var fp = examples.Count(e => !e.Positive && e.Score >= cut);
            var tp = examples.Count(e => e.Positive && e.Score >= cut);
            if (fprCut is null && targetFpr is { } t && (negatives == 0 || fp <= Math.Floor(t * negatives + 1e-9)))
            {
                fprCut = cut;
            }

            if (precisionCut is null && targetPrecision is { } p && tp > 0 && (double)tp / (tp + fp) >= p)
            {
                precisionCut = cut;
            }
        }

        var chosen = Math.Max(fprCut ?? (targetFpr is null ? 0 : cuts[^1]), precisionCut ?? (targetPrecision is null ? 0 : cuts[^1]));
        var below = scores.Where(s => s < chosen).DefaultIfEmpty(0).Max();
        return Round(below, chosen);
    }

    /// <summary>The roundest threshold that keeps a score of <paramref name="below"/> out and a score of <paramref name="cut"/> in.</summary>
    private static float Round(double below, double cut)
    {
        if (cut <= 0)
        {
            return 0.0001f;
        }

        foreach (var scale in new[] { 100.0, 1000.0, 10000.0 })
        {
            var value = Math.Ceiling((below + 0.00005) * scale) / scale;
            if (value > below + 0.00004 && value <= cut)
            {
                return (float)Math.Clamp(value, 0.0001, 1.0);
            }
        }

        return (float)Math.Clamp(cut - 0.00004, 0.0001, 1.0);
    }

    private static float Above(double score, float current) => Math.Max(current, Round(score, Math.Min(1.0, score + 0.0001)));

    private static void MakeMonotone(Dictionary<AgeBand, float> bands)
    {
        var floor = 0f;
        foreach (var band in LabelledConversation.BandOrder)
        {
            floor = Math.Max(floor, bands[band]);
            bands[band] = floor;
        }
    }
}
