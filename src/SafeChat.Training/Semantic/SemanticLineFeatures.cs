using System.Globalization;
using SafeChat.Inference.Features;

namespace SafeChat.Training.Semantic;

/// <summary>
/// The line heads' feature assembly with the semantic table (see <see cref="SemanticFeatures"/>): a chunk's semantic
/// token ids (offset + t, value 1/n) become the dense vector s = scale · Σ (1/n) a_t e_t (SIF weights
/// a_t = α / (α + p(t)), p from the training chunks), appended after the hash buckets for ML.NET; after training, the
/// dense weights are folded back into one row per token (scale · a_t e_t · W), which is what the graph stores.
/// </summary>
internal sealed class SemanticLineFeatures
{
    /// <summary>The SIF smoothing constant α.</summary>
    public const double SifAlpha = 1e-3;

    private readonly SemanticTable _table;
    private readonly float[] _tokenWeights;

    private SemanticLineFeatures(SemanticTable table, float[] tokenWeights, float scale)
    {
        _table = table;
        _tokenWeights = tokenWeights;
        Scale = scale;
    }

    /// <summary>The global factor that makes the mean semantic vector norm of the training chunks equal the requested scale.</summary>
    public float Scale { get; }

    /// <summary>Columns ML.NET sees: the hash buckets then the table's components.</summary>
    public int TrainingDimension => SemanticFeatures.Offset + _table.Dimension;

    /// <summary>Rows of the folded model: the hash buckets then one per vocabulary token.</summary>
    public int FoldedDimension => SemanticFeatures.FeatureCount(_table.Rows);

    /// <summary>A one-line description for the model card.</summary>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"SIF token weights a/(a+p), a = {SifAlpha:G}, p from the training chunks; vector scale {Scale:G4} (mean training-chunk norm = requested scale)");

    /// <summary>Builds the SIF weights and the scale from the training chunks' semantic ids.</summary>
    public static SemanticLineFeatures Create(SemanticTable table, IReadOnlyList<LineExample> examples, float requestedScale)
    {
        var counts = new double[table.Rows];
        double total = 0;
        foreach (var e in examples)
        {
            foreach (int index in e.Features.Indices)
            {
                if (index >= SemanticFeatures.Offset)
                {
                    counts[index - SemanticFeatures.Offset]++;
                    total++;
                }
            }
        }

        var weights = new float[table.Rows];
        for (int t = 0; t < weights.Length; t++)
        {
            weights[t] = (float)(SifAlpha / (SifAlpha + (total == 0 ? 0 : counts[t] / total)));
        }

        var unscaled = new SemanticLineFeatures(table, weights, 1f);
        double norms = 0;
        int n = 0;
        var dense = new float[table.Dimension];
        foreach (var e in examples)
        {
            if (unscaled.Dense(e.Features, dense))
            {
                norms += Math.Sqrt(dense.Sum(v => (double)v * v));
                n++;
            }
        }

        float scale = norms == 0 ? 1f : (float)(requestedScale * n / norms);
        return new SemanticLineFeatures(table, weights, scale);
    }

    /// <summary>The chunk's features as ML.NET sees them: hashed entries, then the dense semantic vector.</summary>
    public SparseVector Expand(SparseVector features)
    {
        var dense = new float[_table.Dimension];
        bool any = Dense(features, dense);
        int hashed = 0;
        while (hashed < features.Indices.Length && features.Indices[hashed] < SemanticFeatures.Offset)
        {
            hashed++;
        }

        int extra = any ? _table.Dimension : 0;
        var indices = new int[hashed + extra];
        var values = new float[hashed + extra];
        Array.Copy(features.Indices, indices, hashed);
        Array.Copy(features.Values, values, hashed);
        for (int j = 0; j < extra; j++)
        {
            indices[hashed + j] = SemanticFeatures.Offset + j;
            values[hashed + j] = dense[j];
        }

        return new SparseVector(indices, values);
    }

    /// <summary>
    /// Folds trained weights ([TrainingDimension × heads], row-major) into the graph's [FoldedDimension × heads].
    /// </summary>
    public float[] Fold(float[] weights, int heads)
    {
        var folded = new float[(long)FoldedDimension * heads];
        Array.Copy(weights, folded, (long)SemanticFeatures.Offset * heads);
        var row = new float[_table.Dimension];
        for (int t = 0; t < _table.Rows; t++)
        {
            _table.Row(t, row);
            double factor = Scale * _tokenWeights[t];
            for (int h = 0; h < heads; h++)
            {
                double sum = 0;
                for (int j = 0; j < row.Length; j++)
                {
                    sum += row[j] * weights[((long)(SemanticFeatures.Offset + j) * heads) + h];
                }

                folded[((long)(SemanticFeatures.Offset + t) * heads) + h] = (float)(factor * sum);
            }
        }

        return folded;
    }

    private bool Dense(SparseVector features, Span<float> dense)
    {
        dense.Clear();
        Span<float> row = stackalloc float[_table.Dimension];
        bool any = false;
        for (int i = 0; i < features.Indices.Length; i++)
        {
            int t = features.Indices[i] - SemanticFeatures.Offset;
            if (t < 0)
            {
                continue;
            }

            any = true;
            _table.Row(t, row);
            float w = features.Values[i] * _tokenWeights[t] * Scale;
            for (int j = 0; j < row.Length; j++)
            {
                dense[j] += w * row[j];
            }
        }

        return any;
    }
}
