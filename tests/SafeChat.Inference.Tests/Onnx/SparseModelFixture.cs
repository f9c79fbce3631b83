namespace SafeChat.Inference.Tests.Onnx;

/// <summary>
/// The small sparse model of Fixtures/sparse-model: known weights, and the hand computation it must match. Also compiled
/// into SafeChat.Training.Tests, which writes that model with the ONNX writer.
/// </summary>
internal static class SparseModelFixture
{
    public const int FeatureCount = 6;
    public const int LabelCount = 3;

    public static readonly string[] Labels = ["grooming", "sextortion", "contact_request"];

    // W[d, k] = Weights[d * K + k]; row 0 is the padding id and would be ignored anyway (value 0).
    public static readonly float[] Weights =
    [
        9.0f, 9.0f, 9.0f,
        0.5f, -1.0f, 0.25f,
        -0.75f, 2.0f, 0.0f,
        1.5f, 0.5f, -2.0f,
        0.0f, -0.5f, 1.25f,
        -1.25f, 0.75f, 0.5f,
    ];

    public static readonly float[] Bias = [-0.5f, 0.1f, 0.3f];

    public static float[] Expected(ReadOnlySpan<long> ids, ReadOnlySpan<float> values)
        => Expected(ids, values, Weights, Bias, LabelCount);

    public static float[] Expected(ReadOnlySpan<long> ids, ReadOnlySpan<float> values, float[] weights, float[] bias, int labelCount)
    {
        var result = new float[labelCount];
        for (var k = 0; k < labelCount; k++)
        {
            double logit = bias[k];
            for (var j = 0; j < ids.Length; j++)
            {
                logit += values[j] * (double)weights[ids[j] * labelCount + k];
            }

            result[k] = (float)(1.0 / (1.0 + Math.Exp(-logit)));
        }

        return result;
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}] expected {expected[i]} but got {actual[i]} (tolerance {tolerance}).");
        }
    }
}
