using System.Security.Cryptography;
using SafeChat.Inference.Onnx;
using SafeChat.Training.Onnx;

namespace SafeChat.Training.Tests.Onnx;

public sealed class OnnxLinearModelDenseTests
{
    private const int FeatureCount = 4;
    private const int OutputCount = 2;

    // W[h, f] = Weights[h * F + f].
    private static readonly float[] Weights = [0.8f, -1.2f, 0.05f, 2.0f, -0.3f, 0.6f, 1.1f, -0.4f];
    private static readonly float[] Bias = [-1.0f, 0.25f];
    private static readonly float[] Mean = [3.0f, 0.5f, 120.0f, 0.0f];
    private static readonly float[] Std = [1.5f, 0.25f, 60.0f, 1.0f];

    [Fact]
    public void RunDense_WithStandardisation_MatchesHandComputation()
    {
        var weights = new DenseLogisticWeights(FeatureCount, OutputCount, Weights, Bias, Mean, Std);
        using var model = OnnxLinearModel.FromBytes(OnnxModelWriter.WriteDenseLogistic(weights, new OnnxModelInfo { Labels = ["grooming", "sextortion"] }));
        float[] features = [4.5f, 0.0f, 300.0f, 1.0f, 1.0f, 1.0f, 10.0f, -2.0f, 3.0f, 0.5f, 120.0f, 0.0f];
        var probabilities = new float[3 * OutputCount];

        model.RunDense(features, rows: 3, probabilities);

        Assert.Equal(OnnxLinearModelKind.Dense, model.Kind);
        Assert.Equal(FeatureCount, model.FeatureCount);
        Assert.Equal(OutputCount, model.OutputCount);
        SparseModelFixture.AssertClose(Expected(features, 3, standardise: true), probabilities);
    }

    [Fact]
    public void RunDense_WithoutStandardisation_MatchesHandComputation()
    {
        var weights = new DenseLogisticWeights(FeatureCount, OutputCount, Weights, Bias);
        using var model = OnnxLinearModel.FromBytes(OnnxModelWriter.WriteDenseLogistic(weights, new OnnxModelInfo()));
        float[] features = [0.5f, -0.25f, 1.0f, 0.75f];
        var probabilities = new float[OutputCount];

        model.RunDense(features, rows: 1, probabilities);

        SparseModelFixture.AssertClose(Expected(features, 1, standardise: false), probabilities);
    }

    [Fact]
    public void RunDense_Float16Weights_StaysWithin1e3OfFloat32()
    {
        var weights = new DenseLogisticWeights(FeatureCount, OutputCount, Weights, Bias, Mean, Std);
        using var full = OnnxLinearModel.FromBytes(OnnxModelWriter.WriteDenseLogistic(weights, new OnnxModelInfo()));
        using var half = OnnxLinearModel.FromBytes(OnnxModelWriter.WriteDenseLogistic(weights, new OnnxModelInfo { WeightPrecision = OnnxWeightPrecision.Float16 }));
        float[] features = [4.5f, 0.0f, 300.0f, 1.0f];
        var fullProbabilities = new float[OutputCount];
        var halfProbabilities = new float[OutputCount];

        full.RunDense(features, 1, fullProbabilities);
        half.RunDense(features, 1, halfProbabilities);

        SparseModelFixture.AssertClose(fullProbabilities, halfProbabilities, tolerance: 1e-3);
    }

    [Fact]
    public void WriteDenseLogistic_SameInputsTwice_SameSha256()
    {
        var weights = new DenseLogisticWeights(FeatureCount, OutputCount, Weights, Bias, Mean, Std);
        var info = new OnnxModelInfo { GraphName = "aggregator", Labels = ["grooming", "sextortion"] };

        var first = SHA256.HashData(OnnxModelWriter.WriteDenseLogistic(weights, info));
        var second = SHA256.HashData(OnnxModelWriter.WriteDenseLogistic(weights with { Weights = Weights.ToArray() }, info));

        Assert.Equal(first, second);
    }

    [Fact]
    public void WriteDenseLogistic_NonPositiveStd_ThrowsNamingTheFeature()
    {
        var weights = new DenseLogisticWeights(FeatureCount, OutputCount, Weights, Bias, Mean, new float[] { 1f, 1f, 0f, 1f });

        var error = Assert.Throws<ArgumentException>(() => OnnxModelWriter.WriteDenseLogistic(weights, new OnnxModelInfo()));

        Assert.Contains("weights.Std[2]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunDense_WrongFeatureCount_ThrowsClearError()
    {
        using var model = OnnxLinearModel.FromBytes(OnnxModelWriter.WriteDenseLogistic(new DenseLogisticWeights(FeatureCount, OutputCount, Weights, Bias), new OnnxModelInfo()));

        var error = Assert.Throws<ArgumentException>("features", () => model.RunDense(new float[5], 1, new float[OutputCount]));
        Assert.Throws<InvalidOperationException>(() => model.Run([1], [1f], new float[OutputCount]));

        Assert.Contains("1 rows of 4", error.Message, StringComparison.Ordinal);
    }

    private static float[] Expected(float[] features, int rows, bool standardise)
    {
        var result = new float[rows * OutputCount];
        for (var r = 0; r < rows; r++)
        {
            for (var h = 0; h < OutputCount; h++)
            {
                double logit = Bias[h];
                for (var f = 0; f < FeatureCount; f++)
                {
                    double x = features[r * FeatureCount + f];
                    if (standardise)
                    {
                        x = (x - Mean[f]) / Std[f];
                    }

                    logit += Weights[h * FeatureCount + f] * x;
                }

                result[r * OutputCount + h] = (float)(1.0 / (1.0 + Math.Exp(-logit)));
            }
        }

        return result;
    }
}
