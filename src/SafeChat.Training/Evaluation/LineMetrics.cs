using Microsoft.ML;
using SafeChat.Inference.Models;
using SafeChat.Scoring;
using SafeChat.Training.Data;

namespace SafeChat.Training.Evaluation;

/// <summary>Per-signal line-level metrics on held-out synthetic messages, computed with ML.NET's binary evaluator.</summary>
internal static class LineMetrics
{
    private sealed class Row
    {
        public bool Label { get; set; }

        public float Score { get; set; }

        public bool PredictedLabel { get; set; }
    }

    public static List<ModelCardMetric> Compute(MLContext ml, ISafetyScorer scorer, TrainingData data, TextWriter log)
    {
        var messages = data.Synthetic.Where(c => c.Part == DataPart.Heldout)
            .SelectMany(c => c.Messages.Select(m => (m.Text, Signals: c.Predators.Contains(m.Author) ? m.Signals : (IReadOnlyList<string>)[])))
            .ToList();
        var result = new List<ModelCardMetric>();
        if (messages.Count == 0)
        {
            return result;
        }

        var scores = new List<MessageSignals>(messages.Count);
        for (int i = 0; i < messages.Count; i += 256)
        {
            scores.AddRange(scorer.AnalyzeBatch(messages.GetRange(i, Math.Min(256, messages.Count - i)).Select(m => m.Text).ToList()));
        }

        for (int s = 0; s < SignalNames.All.Count; s++)
        {
            string signal = SignalNames.All[s];
            var rows = new List<Row>(messages.Count);
            for (int i = 0; i < messages.Count; i++)
            {
                float p = Math.Clamp(scores[i].Probabilities[s], 1e-7f, 1 - 1e-7f);
                rows.Add(new Row { Label = messages[i].Signals.Contains(signal), Score = MathF.Log(p / (1 - p)), PredictedLabel = p >= 0.5f });
            }

            int positives = rows.Count(r => r.Label);
            if (positives == 0)
            {
                continue;
            }

            var metrics = ml.BinaryClassification.EvaluateNonCalibrated(ml.Data.LoadFromEnumerable(rows));
            double f05 = Metrics.FBeta(metrics.PositivePrecision, metrics.PositiveRecall, 0.5);
            log.WriteLine($"  line {signal,-16} P {metrics.PositivePrecision:F3} R {metrics.PositiveRecall:F3} AP {metrics.AreaUnderPrecisionRecallCurve:F3} (pos {positives})");
            result.Add(new ModelCardMetric
            {
                Dataset = $"synthetic held-out messages: {signal}",
                Split = "held-out",
                N = rows.Count,
                Precision = Math.Round(metrics.PositivePrecision, 4),
                Recall = Math.Round(metrics.PositiveRecall, 4),
                F05 = double.IsNaN(f05) ? null : Math.Round(f05, 4),
                Ap = Math.Round(metrics.AreaUnderPrecisionRecallCurve, 4),
                Notes = $"{positives} positive messages (predator messages annotated with the signal); every other message negative",
                HowMeasured = "ML.NET BinaryClassification.EvaluateNonCalibrated on the signal probability; precision/recall at p >= 0.5",
            });
        }

        return result;
    }
}
