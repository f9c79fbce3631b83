using System.Globalization;

namespace SafeChat.Inference.Onnx;

/// <summary>
/// The dense logistic ONNX graph (optional <c>Sub mean</c>, <c>Div std</c>, then <c>Gemm(x, W, b, transB=1)</c> →
/// <c>Sigmoid</c>) evaluated in managed code from the graph's own weights (read by <see cref="LinearGraphReader"/>). The
/// standardization is the graph's float arithmetic; the dot products and the sigmoid are in double with one rounding to
/// float, each row on its own: a row's result never depends on the other rows of the call, and there is no per-call
/// runtime overhead (the aggregator runs once per message). Thread-safe (read-only).
/// </summary>
internal sealed class DenseLogisticKernel
{
    private readonly float[] _weights;
    private readonly float[] _bias;
    private readonly float[]? _mean;
    private readonly float[]? _std;

    public DenseLogisticKernel(float[] weights, float[] bias, int featureCount, float[]? mean, float[]? std)
    {
        _weights = weights;
        _bias = bias;
        _mean = mean;
        _std = std;
        FeatureCount = featureCount;
        OutputCount = bias.Length;
        if ((long)featureCount * OutputCount != weights.Length)
        {
            throw new ArgumentException("The weights are outputs × featureCount.", nameof(weights));
        }
    }

    /// <summary>
    /// The same model reading rows of <paramref name="featureCount"/> features, of which it uses the first
    /// <see cref="FeatureCount"/> (the others get weight 0, mean 0 and std 1): a model trained on fewer features scores rows
    /// of a longer layout whose first features are the ones it knows, with the same results.
    /// </summary>
    public DenseLogisticKernel WithFeatureCount(int featureCount)
    {
        int f = FeatureCount;
        if (featureCount < f)
        {
            throw new ArgumentOutOfRangeException(nameof(featureCount), "A model cannot drop features it was trained on.");
        }

        int k = OutputCount;
        var weights = new float[featureCount * k];
        for (int h = 0; h < k; h++)
        {
            _weights.AsSpan(h * f, f).CopyTo(weights.AsSpan(h * featureCount, f));
        }

        float[]? mean = null, std = null;
        if (_mean is not null && _std is not null)
        {
            mean = new float[featureCount];
            std = new float[featureCount];
            std.AsSpan().Fill(1f);
            _mean.CopyTo(mean, 0);
            _std.CopyTo(std, 0);
        }

        return new DenseLogisticKernel(weights, (float[])_bias.Clone(), featureCount, mean, std);
    }

    /// <summary>F: features per row.</summary>
    public int FeatureCount { get; }

    /// <summary>H: probabilities per row.</summary>
    public int OutputCount { get; }

    /// <summary>Scores <paramref name="rows"/> rows of <see cref="FeatureCount"/> features (row-major).</summary>
    public void Run(ReadOnlySpan<float> features, int rows, Span<float> probabilities)
    {
        int f = FeatureCount;
        int k = OutputCount;
        if (features.Length < rows * f || probabilities.Length < rows * k)
        {
            throw new ArgumentException($"{rows} rows need {rows * f} features and room for {rows * k} probabilities.", nameof(features));
        }

        Span<float> x = f <= 512 ? stackalloc float[f] : new float[f];
        ReadOnlySpan<float> weights = _weights;
        for (int r = 0; r < rows; r++)
        {
            var row = features.Slice(r * f, f);
            if (_mean is null)
            {
                row.CopyTo(x);
            }
            else
            {
                ReadOnlySpan<float> mean = _mean;
                ReadOnlySpan<float> std = _std;
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = (row[i] - mean[i]) / std[i];
                }
            }

            for (int i = 0; i < x.Length; i++)
            {
                if (!float.IsFinite(row[i]))
                {
                    throw new ArgumentException($"features[{(r * f) + i}] is {row[i].ToString(CultureInfo.InvariantCulture)}; inputs must be finite.", nameof(features));
                }
            }

            for (int h = 0; h < k; h++)
            {
                // Four partial sums in a fixed order: the same result on every platform and for every batch.
                var w = weights.Slice(h * f, f);
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int i = 0;
                for (; i + 3 < x.Length; i += 4)
                {
                    s0 += (double)x[i] * w[i];
                    s1 += (double)x[i + 1] * w[i + 1];
                    s2 += (double)x[i + 2] * w[i + 2];
                    s3 += (double)x[i + 3] * w[i + 3];
                }

                for (; i < x.Length; i++)
                {
                    s0 += (double)x[i] * w[i];
                }

                double sum = ((s0 + s1) + (s2 + s3)) + _bias[h];
                probabilities[(r * k) + h] = (float)(1.0 / (1.0 + Math.Exp(-sum)));
            }
        }
    }
}
