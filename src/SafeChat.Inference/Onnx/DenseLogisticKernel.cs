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
        for (int r = 0; r < rows; r++)
        {
            var row = features.Slice(r * f, f);
            for (int i = 0; i < f; i++)
            {
                float value = row[i];
                if (!float.IsFinite(value))
                {
                    throw new ArgumentException($"features[{(r * f) + i}] is {value.ToString(CultureInfo.InvariantCulture)}; inputs must be finite.", nameof(features));
                }

                x[i] = _mean is null ? value : (value - _mean[i]) / _std![i];
            }

            for (int h = 0; h < k; h++)
            {
                double sum = 0;
                int at = h * f;
                for (int i = 0; i < f; i++)
                {
                    sum += (double)x[i] * _weights[at + i];
                }

                sum += _bias[h];
                probabilities[(r * k) + h] = (float)(1.0 / (1.0 + Math.Exp(-sum)));
            }
        }
    }
}
