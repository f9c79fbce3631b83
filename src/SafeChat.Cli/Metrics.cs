namespace SafeChat.Cli;

/// <summary>
/// The evaluation metrics, matching <c>shared/tools/eval.py</c> line for line: precision, recall, F1, F0.5 and FPR from
/// the alert counts; average precision over the ranking by risk with ties broken benign first (pessimistic); recall at
/// a target FPR (the risk threshold that lets <c>int(target × negatives)</c> benign conversations above it, strictly);
/// early recall (alerted by <c>alert_by + 2</c>, over positives that carry <c>alert_by</c>); and eSPD's latency-weighted
/// F1 (Vogt et al. 2021): latency k = messages read until the first correct warning (first alert index + 1),
/// penalty(k) = −1 + 2 / (1 + e^(−p(k−1))) with p = ln(3)/89, speed = 1 − median penalty over true positives,
/// F_latency = F1 × speed.
/// </summary>
internal static class Metrics
{
    /// <summary>eSPD's p: the penalty reaches 0.5 at k = 90 messages.</summary>
    public static readonly double LatencyP = Math.Log(3) / 89;

    /// <summary>The alerts allowed late by early recall: alert_by + 2.</summary>
    public const int EarlySlack = 2;

    public static double FBeta(double precision, double recall, double beta) =>
        precision + recall == 0 ? 0.0 : (1 + beta * beta) * precision * recall / (beta * beta * precision + recall);

    public static double LatencyPenalty(int messages) => -1 + 2 / (1 + Math.Exp(-LatencyP * (messages - 1)));

    public static MetricRow Compute(IReadOnlyList<Example> examples, double targetFpr)
    {
        int tp = 0, fp = 0, fn = 0, tn = 0, early = 0, earlyN = 0;
        var penalties = new List<double>();
        var latencies = new List<double>();
        foreach (var e in examples)
        {
            if (e.Positive && e.Predicted)
            {
                tp++;
                if (e.FirstAlertIndex is { } first)
                {
                    latencies.Add(first + 1);
                    penalties.Add(LatencyPenalty(first + 1));
                }
            }
            else if (e.Positive)
            {
                fn++;
            }
            else if (e.Predicted)
            {
                fp++;
            }
            else
            {
                tn++;
            }

            if (e.Positive && e.AlertBy is { } alertBy)
            {
                earlyN++;
                if (e.Predicted && e.FirstAlertIndex is { } index && index <= alertBy + EarlySlack)
                {
                    early++;
                }
            }
        }

        var precision = tp + fp > 0 ? (double)tp / (tp + fp) : 0.0;
        var recall = tp + fn > 0 ? (double)tp / (tp + fn) : 0.0;
        var f1 = FBeta(precision, recall, 1);
        double? speed = penalties.Count > 0 ? 1 - Median(penalties) : null;
        var positives = tp + fn;
        var negatives = fp + tn;
        double? ap = null, recallAtTarget = null, thresholdAtTarget = null;
        if (positives > 0 && negatives > 0)
        {
            ap = AveragePrecision(examples);
            (recallAtTarget, thresholdAtTarget) = RecallAtFpr(examples, targetFpr);
        }

        return new MetricRow(
            examples.Count, positives, negatives, tp, fp, fn, tn,
            precision, recall, f1, FBeta(precision, recall, 0.5),
            negatives > 0 ? (double)fp / negatives : 0.0,
            ap, recallAtTarget, thresholdAtTarget,
            earlyN > 0 ? (double)early / earlyN : null,
            latencies.Count > 0 ? Median(latencies) : null,
            speed,
            speed is { } s ? f1 * s : 0.0);
    }

    /// <summary>eval.py's average precision: sort by risk descending, benign first on ties, and average precision at each hit.</summary>
    public static double AveragePrecision(IReadOnlyList<Example> examples)
    {
        var sorted = examples.OrderByDescending(e => e.Score).ThenBy(e => e.Positive ? 1 : 0).ToArray();
        var hits = 0;
        var sum = 0.0;
        var positives = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (sorted[i].Positive)
            {
                hits++;
                positives++;
                sum += (double)hits / (i + 1);
            }
        }

        return positives == 0 ? 0.0 : sum / positives;
    }

    /// <summary>eval.py's recall at a target FPR: the threshold is the (k+1)-th highest benign risk, k = int(target × negatives); positives strictly above it count.</summary>
    public static (double Recall, double Threshold) RecallAtFpr(IReadOnlyList<Example> examples, double targetFpr)
    {
        var negatives = examples.Where(e => !e.Positive).Select(e => e.Score).OrderDescending().ToArray();
        var positives = examples.Where(e => e.Positive).Select(e => e.Score).ToArray();
        var k = (int)(targetFpr * negatives.Length);
        var threshold = k < negatives.Length ? negatives[k] : -1.0;
        return ((double)positives.Count(s => s > threshold) / positives.Length, threshold);
    }

    /// <summary>The median (mean of the two middle values for an even count), as Python's statistics.median.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The Wilson score interval's upper bound at 95% for k successes out of n.</summary>
    public static double WilsonUpper(int k, int n, double z = 1.959963984540054)
    {
        if (n == 0)
        {
            return 1.0;
        }

        var p = (double)k / n;
        var z2 = z * z;
        return (p + z2 / (2 * n) + z * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n))) / (1 + z2 / n);
    }
}
