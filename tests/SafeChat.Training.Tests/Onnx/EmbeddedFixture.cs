using Microsoft.Extensions.Time.Testing;
using SafeChat.Inference.Models;
using SafeChat.Training.Onnx;

namespace SafeChat.Training.Tests.Onnx;

/// <summary>
/// Writes the tiny model checked in under <c>tests/SafeChat.Inference.Tests/Fixtures/embedded-model</c> (embedded there as
/// manifest resources). ModelCardTests checks the checked-in files are what this writes.
/// </summary>
internal static class EmbeddedFixture
{
    public static ModelCard Write(string directory)
    {
        // D = 3, K = 2: W[0] = padding, W[1] = [1, -1], W[2] = [0.5, 0.5], b = [0, 0].
        var weights = new SparseLinearWeights(3, 2, new float[] { 0f, 0f, 1f, -1f, 0.5f, 0.5f }, new float[] { 0f, 0f });
        OnnxModelWriter.WriteSparseLinear(weights, new OnnxModelInfo { GraphName = "embedded-test", Labels = ["first", "second"] }, Path.Combine(directory, ModelCard.ModelFileName));
        File.WriteAllText(Path.Combine(directory, "vocab.txt"), "a\nb\n");
        var (inputs, outputs) = OnnxModelWriter.DescribeSparseLinear(2);
        return ModelCardWriter.Save(
            directory,
            new ModelCard
            {
                Id = "embedded-test",
                Version = "1.0.0",
                Task = "test fixture for the embedded-resource loader",
                Inputs = inputs,
                Outputs = outputs,
                Labels = ["first", "second"],
                Tokenizer = new ModelCardTokenizer { Kind = "word-list", Files = ["vocab.txt"] },
                IntendedUse = "Tests only.",
            },
            new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }
}
