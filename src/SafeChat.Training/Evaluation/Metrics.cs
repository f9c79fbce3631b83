namespace SafeChat.Training.Evaluation;

/// <summary>One scored conversation: its best (max over the replay) risk, whether and when it alerted.</summary>
/// <param name="Positive">Ground truth for the harm being measured.</param>
/// <param name="Score">Maximum risk for the harm over every prefix of the replay.</param>
/// <param name="FirstAlertIndex">Index of the message after which the risk first reached the threshold, or null.</param>
/// <param name="AlertBy">The message index by which an alert is expected, where known.</param>
/// <param name="RightAuthor">For positives that alerted: whether the riskiest author is a predator.</param>
internal readonly record struct ScoredConversation(bool Positive, float Score, int? FirstAlertIndex, int? AlertBy, bool? RightAuthor);

/// <summary>The measures reported per dataset.</summary>
internal sealed record MetricSet(
    int Positives,
    int Negatives,
    int TruePositives,
    int FalsePositives,
    double Precision,
    double Recall,
    double F05,
    double F1,
    double AveragePrecision,
    double RecallAt1PctFpr,
    double FalsePositiveRate,
    double Speed,
    double LatencyF1,
    double MedianLatency,
    double InTimeRate,
    double AuthorAccuracy);

/// <summary>Conversation-level metrics, including the eSPD latency-weighted F1 (Vogt et al. 2021).</summary>
internal static class Metrics
{
    /// <summary>eSPD penalty slope p = ln(3)/89: penalty(1) = 0, penalty(90) = 0.5.</summary>
    public static readonly double LatencySlope = Math.Log(3) / 89;

    /// <summary>penalty(k) = −1 + 2 / (1 + e^(−p(k−1))) with k = messages read until the first correct warning.</summary>
    public static double LatencyPenalty(int messagesRead) => -1 + (2 / (1 + Math.Exp(-LatencySlope * (messagesRead - 1))));

    /// <summary>
    /// Alerts may come up to this many messages after <c>alert_by</c> and still count as in time
    /// (the evaluation rule: an alert at or before <c>alert_by + 2</c>).
    /// </summary>
    public const int AlertSlack = 2;

    public static MetricSet Compute(IReadOnlyList<ScoredConversation> items)
    {
        int positives = 0, negatives = 0, tp = 0, fp = 0, inTime = 0, inTimeKnown = 0, rightAuthor = 0, authorKnown = 0;
        var penalties = new List<double>();
        var latencies = new List<double>();
        foreach (var item in items)
        {
            bool alerted = item.FirstAlertIndex.HasValue;
            if (item.Positive)
            {
                positives++;
                if (alerted)
                {
                    tp++;
                    int read = item.FirstAlertIndex!.Value + 1;
                    penalties.Add(LatencyPenalty(read));
                    latencies.Add(read);
                    if (item.RightAuthor.HasValue)
                    {
                        authorKnown++;
                        rightAuthor += item.RightAuthor.Value ? 1 : 0;
                    }
                }

                if (item.AlertBy.HasValue)
                {
                    inTimeKnown++;
                    if (alerted && item.FirstAlertIndex!.Value <= item.AlertBy.Value + AlertSlack)
                    {
                        inTime++;
                    }
                }
            }
            else
            {
                negatives++;
                if (alerted)
                {
                    fp++;
                }
            }
        }

        double precision = tp + fp == 0 ? (positives == 0 ? double.NaN : 0) : tp / (double)(tp + fp);
        double recall = positives == 0 ? double.NaN : tp / (double)positives;
        double f05 = FBeta(precision, recall, 0.5);
        double f1 = FBeta(precision, recall, 1);
        double speed = penalties.Count == 0 ? double.NaN : 1 - Median(penalties);
        return new MetricSet(
            positives,
            negatives,
            tp,
            fp,
            precision,
            recall,
            f05,
            f1,
            AveragePrecision(items),
            RecallAtFpr(items, 0.01),
            negatives == 0 ? double.NaN : fp / (double)negatives,
            speed,
            double.IsNaN(speed) ? double.NaN : f1 * speed,
            latencies.Count == 0 ? double.NaN : Median(latencies),
            inTimeKnown == 0 ? double.NaN : inTime / (double)inTimeKnown,
            authorKnown == 0 ? double.NaN : rightAuthor / (double)authorKnown);
    }

    public static double FBeta(double precision, double recall, double beta)
    {
        if (double.IsNaN(precision) || double.IsNaN(recall) || precision + recall == 0)
        {
            return double.NaN;
        }

        double b2 = beta * beta;
        return (1 + b2) * precision * recall / ((b2 * precision) + recall);
    }

    /// <summary>
    /// The score threshold with the best F0.5 (alert when score ≥ threshold) among those that flag at most
    /// <paramref name="maxFpr"/> of the negatives; (0.5, -1) when none qualifies.
    /// </summary>
    public static (float Threshold, double F05) BestF05Threshold(IReadOnlyList<(float Score, bool Positive)> items, double maxFpr)
    {
        int positives = items.Count(i => i.Positive), negatives = items.Count - positives;
        float best = 0.5f;
        double bestF = -1;
        foreach (float candidate in items.Select(i => i.Score).Distinct().OrderBy(v => v))
        {
            int tp = items.Count(i => i.Positive && i.Score >= candidate);
            int fp = items.Count(i => !i.Positive && i.Score >= candidate);
            if (tp == 0 || fp > maxFpr * negatives)
            {
                continue;
            }

            double f = FBeta(tp / (double)(tp + fp), tp / (double)positives, 0.5);
            if (f > bestF)
            {
                bestF = f;
                best = candidate;
            }
        }

        return (best, bestF);
    }

    /// <summary>Average precision (area under the step precision/recall curve), ties broken pessimistically.</summary>
    public static double AveragePrecision(IReadOnlyList<ScoredConversation> items)
    {
        int positives = items.Count(i => i.Positive);
        if (positives == 0 || positives == items.Count)
        {
            return double.NaN;
        }

        var ordered = items.OrderByDescending(i => i.Score).ThenBy(i => i.Positive).ToList();
        double sum = 0;
        int tp = 0;
        for (int i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Positive)
            {
                tp++;
                sum += tp / (double)(i + 1);
            }
        }

        return sum / positives;
    }

    /// <summary>Recall at the strictest score threshold whose false-positive rate is at most <paramref name="fpr"/>.</summary>
    public static double RecallAtFpr(IReadOnlyList<ScoredConversation> items, double fpr)
    {
        var negatives = items.Where(i => !i.Positive).Select(i => i.Score).OrderByDescending(s => s).ToList();
        var positives = items.Where(i => i.Positive).Select(i => i.Score).ToList();
        if (negatives.Count == 0 || positives.Count == 0)
        {
            return double.NaN;
        }

        int allowed = (int)Math.Floor(fpr * negatives.Count);
        float threshold = allowed >= negatives.Count ? float.NegativeInfinity : negatives[allowed];
        return positives.Count(s => s > threshold) / (double)positives.Count;
    }

    public static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }
}
