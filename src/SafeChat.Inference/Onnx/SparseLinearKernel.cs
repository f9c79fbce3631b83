using System.Globalization;

namespace SafeChat.Inference.Onnx;

/// <summary>
/// The sparse linear ONNX graph (<c>Gather(W, ids) × values → ReduceSum → + b → Sigmoid</c>) evaluated in managed code
/// from the graph's own weights (read by <see cref="LinearGraphReader"/>). Each row is computed on its own, in a fixed
/// order, with the products and the sum in double and one rounding to float at the end: a row's result never depends on
/// the other rows of the call (ONNX Runtime's does, by about 1e-7), and there is no per-call runtime overhead.
/// Thread-safe (read-only).
/// </summary>
internal sealed class SparseLinearKernel
{
    private readonly float[] _weights;
    private readonly float[] _bias;

    public SparseLinearKernel(float[] weights, float[] bias, int featureCount)
    {
        _weights = weights;
        _bias = bias;
        FeatureCount = featureCount;
        OutputCount = bias.Length;
        if ((long)featureCount * OutputCount != weights.Length)
        {
            throw new ArgumentException("The weights are not featureCount × outputs.", nameof(weights));
        }
    }

    /// <summary>D: ids must be in [0, D).</summary>
    public int FeatureCount { get; }

    /// <summary>K: probabilities per row.</summary>
    public int OutputCount { get; }

    /// <summary>Scores one row of any length. Padding (value 0) contributes nothing.</summary>
    public void Run(ReadOnlySpan<long> ids, ReadOnlySpan<float> values, Span<float> probabilities)
    {
        if (ids.Length != values.Length)
        {
            throw new ArgumentException($"ids has {ids.Length} elements but values has {values.Length}; they must match.", nameof(values));
        }

        int k = OutputCount;
        if (probabilities.Length < k)
        {
            throw new ArgumentException($"probabilities has room for {probabilities.Length} values but {k} are needed.", nameof(probabilities));
        }

        Span<double> sums = k <= 64 ? stackalloc double[k] : new double[k];
        for (int h = 0; h < k; h++)
        {
            sums[h] = _bias[h];
        }

        var weights = _weights;
        for (int j = 0; j < ids.Length; j++)
        {
            long id = ids[j];
            float value = values[j];
            if ((ulong)id >= (ulong)FeatureCount)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"ids[{j}] is outside [0, {FeatureCount.ToString(CultureInfo.InvariantCulture)}).");
            }

            if (!float.IsFinite(value))
            {
                throw new ArgumentException($"values[{j}] is {value.ToString(CultureInfo.InvariantCulture)}; inputs must be finite.", nameof(values));
            }

            if (value == 0f)
            {
                continue;
            }

            double v = value;
            int row = (int)id * k;
            for (int h = 0; h < k; h++)
            {
                sums[h] += weights[row + h] * v;
            }
        }

        for (int h = 0; h < k; h++)
        {
            probabilities[h] = (float)(1.0 / (1.0 + Math.Exp(-sums[h])));
        }
    }

    /// <summary>Scores <paramref name="rows"/> rows of <paramref name="length"/> features each (row-major).</summary>
    public void RunBatch(ReadOnlySpan<long> ids, ReadOnlySpan<float> values, int rows, int length, Span<float> probabilities)
    {
        for (int r = 0; r < rows; r++)
        {
            Run(ids.Slice(r * length, length), values.Slice(r * length, length), probabilities.Slice(r * OutputCount, OutputCount));
        }
    }
}
