using SafeChat.Inference.Tests.Onnx;
using SafeChat.Training.Onnx;

namespace SafeChat.Training.Tests.Onnx;

/// <summary>The writer's inputs for the sparse fixture model (<see cref="SparseModelFixture"/> holds its weights).</summary>
internal static class SparseModelSpec
{
    public static SparseLinearWeights Model => new(SparseModelFixture.FeatureCount, SparseModelFixture.LabelCount, SparseModelFixture.Weights, SparseModelFixture.Bias);

    public static OnnxModelInfo Info(OnnxWeightPrecision precision = OnnxWeightPrecision.Float32) => new()
    {
        GraphName = "test-signals",
        ModelVersion = 3,
        DocString = "Test sparse model.",
        Labels = SparseModelFixture.Labels,
        Properties = new Dictionary<string, string> { ["tokenizer"] = "hashed-ngrams" },
        WeightPrecision = precision,
    };
}
