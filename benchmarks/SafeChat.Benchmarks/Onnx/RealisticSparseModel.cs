using SafeChat.Training.Onnx;

namespace SafeChat.Benchmarks.Onnx;

/// <summary>A sparse signal model of production size (D = 2^18 hashed features, K = 16 labels) with seeded random weights.</summary>
internal static class RealisticSparseModel
{
    public const int FeatureCount = 1 << 18;
    public const int LabelCount = 16;
    public const int Seed = 20260314;

    public static SparseLinearWeights Create()
    {
        var random = new Random(Seed);
        var weights = new float[FeatureCount * LabelCount];
        for (var i = 0; i < weights.Length; i++)
        {
            // Roughly what an L2-regularised logistic regression on hashed n-grams produces.
            weights[i] = (float)((random.NextDouble() - 0.5) * 0.8);
        }

        var bias = new float[LabelCount];
        for (var k = 0; k < LabelCount; k++)
        {
            bias[k] = (float)(-3 + random.NextDouble());
        }

        return new SparseLinearWeights(FeatureCount, LabelCount, weights, bias);
    }

    /// <summary>Seeded rows of hashed ids (never the padding id) with tf-idf-like values.</summary>
    public static (long[] Ids, float[] Values, int[] Lengths) Rows(int rows, int minLength, int maxLength, int seed)
    {
        var random = new Random(seed);
        var lengths = new int[rows];
        for (var r = 0; r < rows; r++)
        {
            lengths[r] = random.Next(minLength, maxLength + 1);
        }

        var total = lengths.Sum();
        var ids = new long[total];
        var values = new float[total];
        for (var i = 0; i < total; i++)
        {
            ids[i] = random.Next(1, FeatureCount);
            values[i] = (float)(0.05 + random.NextDouble() * 0.3);
        }

        return (ids, values, lengths);
    }
}
