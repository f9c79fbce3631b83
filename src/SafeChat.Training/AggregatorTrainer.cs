using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using SafeChat.Inference.Features;
using SafeChat.Scoring;

namespace SafeChat.Training;

/// <summary>One aggregator training row: an author's window features and a label per harm (1, 0, or -1 = unused).</summary>
internal sealed record AggregatorRow(float[] Features, sbyte[] Labels, float Weight, string Source);

/// <summary>A dense logistic model: W is [F, K] row-major, b is [K]; outputs sigmoid(xW + b) per harm.</summary>
internal sealed class AggregatorModel(float[] weights, float[] bias)
{
    public float[] Weights { get; } = weights;

    public float[] Bias { get; } = bias;

    public float Predict(ReadOnlySpan<float> features, int harm)
    {
        int k = Bias.Length;
        float z = Bias[harm];
        for (int i = 0; i < features.Length; i++)
        {
            z += features[i] * Weights[(i * k) + harm];
        }

        return 1f / (1f + MathF.Exp(-z));
    }
}

/// <summary>Trains the risk aggregator heads (one logistic regression per harm) with ML.NET.</summary>
internal sealed class AggregatorTrainer(MLContext ml, TextWriter log)
{
    private sealed class Row
    {
        public bool Label { get; set; }

        public float Weight { get; set; }

        public float[] Features { get; set; } = [];
    }

    public float L2 { get; init; } = 0.01f;

    /// <summary>The harms the aggregator had before trafficking and livestream coercion (grooming, sextortion).</summary>
    internal const int OriginalHarms = 2;

    /// <summary>Feature columns that describe the later harms (their signals or line heads), hidden from the original harms' heads.</summary>
    internal static int[] MaskedForOriginalHarms()
    {
        var later = HarmNames.All.Skip(OriginalHarms).SelectMany(h => SignalNames.Of(h).Append(h)).ToArray();
        return Enumerable.Range(0, RiskFeatures.Count)
            .Where(i => later.Any(name => RiskFeatures.Names[i].Contains(name, StringComparison.Ordinal)))
            .ToArray();
    }

    public AggregatorModel Train(IReadOnlyList<AggregatorRow> rows)
    {
        int f = RiskFeatures.Count;
        int k = HarmNames.All.Count;
        var weights = new float[f * k];
        var bias = new float[k];
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, f);
        // The grooming and sextortion heads keep their meaning: they never see the later harms' features (those
        // columns are zeroed while they train, so their weights stay 0). The later harms train first, on every feature.
        var masked = MaskedForOriginalHarms();
        var order = Enumerable.Range(0, k).OrderBy(h => h < OriginalHarms ? 1 : 0).ToArray();
        var saved = new Dictionary<float[], float[]>(ReferenceEqualityComparer.Instance);
        foreach (int h in order)
        {
            if (h < OriginalHarms && saved.Count == 0 && masked.Length > 0)
            {
                foreach (var r in rows)
                {
                    if (!saved.ContainsKey(r.Features))
                    {
                        saved[r.Features] = masked.Select(i => r.Features[i]).ToArray();
                        foreach (int i in masked)
                        {
                            r.Features[i] = 0f;
                        }
                    }
                }
            }

            double positives = 0, negatives = 0;
            foreach (var r in rows)
            {
                if (r.Labels[h] > 0)
                {
                    positives += r.Weight;
                }
                else if (r.Labels[h] == 0)
                {
                    negatives += r.Weight;
                }
            }

            float positiveWeight = (float)(negatives / Math.Max(positives, 1e-9));
            var data = new List<Row>();
            foreach (var r in rows)
            {
                if (r.Labels[h] < 0)
                {
                    continue;
                }

                bool label = r.Labels[h] > 0;
                data.Add(new Row { Label = label, Weight = r.Weight * (label ? positiveWeight : 1f), Features = r.Features });
            }

            var view = ml.Data.LoadFromEnumerable(data, schema);
            bias[h] = LogisticHead.Fit(ml, view, L2, 1e-7f, 500, weights, k, h);
            log.WriteLine($"  aggregator {HarmNames.All[h],-10} rows {data.Count,7} pos {positives,9:F1} neg {negatives,9:F1}");
        }

        foreach (var (features, values) in saved)
        {
            for (int j = 0; j < masked.Length; j++)
            {
                features[masked[j]] = values[j];
            }
        }

        for (int h = 0; h < k; h++)
        {
            int harm = h;
            var top = Enumerable.Range(0, f).OrderByDescending(i => Math.Abs(weights[(i * k) + harm])).Take(20)
                .Select(i => $"{RiskFeatures.Names[i]} {weights[(i * k) + harm]:+0.00;-0.00}");
            log.WriteLine($"  aggregator {HarmNames.All[h]} bias {bias[h]:F2}, largest weights: {string.Join(", ", top)}");
        }

        return new AggregatorModel(weights, bias);
    }
}
