using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using SafeChat.Inference.Features;
using SafeChat.Training.Semantic;

namespace SafeChat.Training;

/// <summary>One training line: its features and a label per head (1 positive, 0 negative, -1 not used for that head).</summary>
internal sealed class LineExample
{
    public required SparseVector Features { get; init; }

    public required sbyte[] Labels { get; init; }

    /// <summary>Out-of-fold group index, or -1 for lines used only by the final model.</summary>
    public int Fold { get; init; } = -1;

    /// <summary>A weight applied to the example in every head (source balancing).</summary>
    public float Weight { get; init; } = 1f;
}

/// <summary>Trains one L2 logistic regression per head with ML.NET and packs the weights into a <see cref="LineModel"/>.</summary>
internal sealed class LineTrainer(MLContext ml, TextWriter log)
{
    private sealed class Row
    {
        public bool Label { get; set; }

        public float Weight { get; set; }

        public VBuffer<float> Features { get; set; }
    }

    /// <summary>L2 regularization weight of every head.</summary>
    public float L2 { get; init; } = 0.5f;

    /// <summary>Positive examples are up-weighted to this fraction of the negatives' total weight (capped per example).</summary>
    public float PositiveShare { get; init; } = 0.5f;

    public float MaxPositiveWeight { get; init; } = 30f;

    /// <summary>
    /// The semantic feature assembly (<c>--semantic</c>), or null for hashed features only. With it every head is
    /// logistic over [hashed features ; dense semantic vector], and the dense weights are folded into token rows.
    /// </summary>
    public SemanticLineFeatures? Semantic { get; init; }

    /// <summary>Trains on the examples accepted by <paramref name="include"/>.</summary>
    public LineModel Train(IReadOnlyList<LineExample> examples, Func<LineExample, bool> include)
    {
        int d = Semantic?.TrainingDimension ?? FeatureHashing.Dimension;
        int k = LineHeads.Count;
        var features = new SparseVector[examples.Count];
        for (int i = 0; i < examples.Count; i++)
        {
            features[i] = Semantic is null || !include(examples[i]) ? examples[i].Features : Semantic.Expand(examples[i].Features);
        }

        var weights = new float[d * k];
        var bias = new float[k];
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        for (int h = 0; h < k; h++)
        {
            var rows = new List<Row>();
            double positives = 0, negatives = 0;
            foreach (var e in examples)
            {
                if (e.Labels[h] < 0 || !include(e))
                {
                    continue;
                }

                if (e.Labels[h] > 0)
                {
                    positives += e.Weight;
                }
                else
                {
                    negatives += e.Weight;
                }
            }

            float positiveWeight = positives == 0 ? 1f : (float)Math.Clamp(PositiveShare * negatives / positives, 1.0, MaxPositiveWeight);
            for (int i = 0; i < examples.Count; i++)
            {
                var e = examples[i];
                if (e.Labels[h] < 0 || !include(e))
                {
                    continue;
                }

                var x = features[i];
                bool label = e.Labels[h] > 0;
                rows.Add(new Row
                {
                    Label = label,
                    Weight = e.Weight * (label ? positiveWeight : 1f),
                    Features = new VBuffer<float>(d, x.Indices.Length, x.Values, x.Indices),
                });
            }

            if (positives == 0 || negatives == 0)
            {
                log.WriteLine($"  head {LineHeads.All[h]}: no {(positives == 0 ? "positives" : "negatives")}, bias only");
                bias[h] = positives == 0 ? -6f : 6f;
                continue;
            }

            var data = ml.Data.LoadFromEnumerable(rows, schema);
            bias[h] = LogisticHead.Fit(ml, data, L2, 1e-6f, 200, weights, k, h);
            log.WriteLine($"  head {LineHeads.All[h],-16} pos {positives,8:F0} neg {negatives,9:F0} posWeight {positiveWeight,5:F1}");
        }

        return new LineModel(Semantic is null ? weights : Semantic.Fold(weights, k), bias);
    }
}
