using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using SafeChat.Inference.Onnx;
using SafeChat.Training.Onnx;

namespace SafeChat.Training.Tests.Onnx;

public sealed class OnnxLinearModelSparseTests
{
    [Fact]
    public void WriteSparseLinear_SameInputsTwice_SameSha256()
    {
        var first = OnnxModelWriter.WriteSparseLinear(SparseModelSpec.Model, SparseModelSpec.Info());
        var second = OnnxModelWriter.WriteSparseLinear(
            new SparseLinearWeights(SparseModelFixture.FeatureCount, SparseModelFixture.LabelCount, SparseModelFixture.Weights.ToArray(), SparseModelFixture.Bias.ToArray()),
            SparseModelSpec.Info());

        Assert.Equal(Convert.ToHexString(SHA256.HashData(first)), Convert.ToHexString(SHA256.HashData(second)));
    }

    [Fact]
    public void WriteSparseLinear_Metadata_IsReadableByOnnxRuntime()
    {
        using var session = new InferenceSession(OnnxModelWriter.WriteSparseLinear(SparseModelSpec.Model, SparseModelSpec.Info()));

        var metadata = session.ModelMetadata;
        Assert.Equal(OnnxModelWriter.ProducerName, metadata.ProducerName);
        Assert.Equal("test-signals", metadata.GraphName);
        Assert.Equal("Test sparse model.", metadata.Description);
        Assert.Equal(3, metadata.Version);
        Assert.Equal("""["grooming","sextortion","contact_request"]""", metadata.CustomMetadataMap[OnnxModelConventions.LabelsKey]);
        Assert.Equal("6", metadata.CustomMetadataMap[OnnxModelConventions.FeatureCountKey]);
        Assert.Equal("hashed-ngrams", metadata.CustomMetadataMap["tokenizer"]);
        Assert.Equal(["ids", "values"], session.InputNames);
        Assert.Equal(["logits", "probabilities"], session.OutputNames);
    }

    [Fact]
    public void WriteSparseLinear_LogitsOutput_IsBeforeSigmoid()
    {
        using var session = new InferenceSession(OnnxModelWriter.WriteSparseLinear(SparseModelSpec.Model, SparseModelSpec.Info()));
        long[] ids = [2, 4];
        float[] values = [1f, -0.5f];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [1, 2]);
        using var valuesValue = OrtValue.CreateTensorValueFromMemory(values, [1, 2]);
        using var runOptions = new RunOptions();

        using var outputs = session.Run(runOptions, ["ids", "values"], [idsValue, valuesValue], ["logits"]);

        var logits = outputs[0].GetTensorDataAsSpan<float>();
        for (var k = 0; k < SparseModelFixture.LabelCount; k++)
        {
            var expected = SparseModelFixture.Bias[k] + SparseModelFixture.Weights[2 * 3 + k] - 0.5f * SparseModelFixture.Weights[4 * 3 + k];
            Assert.Equal(expected, logits[k], 1e-5);
        }
    }

    [Fact]
    public void WriteSparseLinear_Float16Weights_StaysWithin1e3OfFloat32()
    {
        const int featureCount = 1 << 14;
        const int labelCount = 16;
        var random = new Random(17);
        var weights = new float[featureCount * labelCount];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(random.NextDouble() * 4 - 2);
        }

        var bias = Enumerable.Range(0, labelCount).Select(k => (float)(random.NextDouble() - 0.5)).ToArray();
        var spec = new SparseLinearWeights(featureCount, labelCount, weights, bias);
        var full = OnnxModelWriter.WriteSparseLinear(spec, new OnnxModelInfo());
        var half = OnnxModelWriter.WriteSparseLinear(spec, new OnnxModelInfo { WeightPrecision = OnnxWeightPrecision.Float16 });
        using var fullModel = OnnxLinearModel.FromBytes(full);
        using var halfModel = OnnxLinearModel.FromBytes(half);
        const int rows = 64;
        const int length = 32;
        var ids = Enumerable.Range(0, rows * length).Select(_ => (long)random.Next(1, featureCount)).ToArray();
        var values = Enumerable.Range(0, rows * length).Select(_ => (float)random.NextDouble() * 0.3f).ToArray();
        var lengths = Enumerable.Repeat(length, rows).ToArray();
        var fullProbabilities = new float[rows * labelCount];
        var halfProbabilities = new float[rows * labelCount];

        fullModel.RunBatch(ids, values, lengths, fullProbabilities);
        halfModel.RunBatch(ids, values, lengths, halfProbabilities);

        Assert.True(half.Length < full.Length * 0.55, $"float16 file {half.Length} bytes, float32 {full.Length}.");
        SparseModelFixture.AssertClose(fullProbabilities, halfProbabilities, tolerance: 1e-3);
        for (var r = 0; r < rows; r++)
        {
            var expected = SparseModelFixture.Expected(ids.AsSpan(r * length, length), values.AsSpan(r * length, length), weights, bias, labelCount);
            SparseModelFixture.AssertClose(expected, fullProbabilities.AsSpan(r * labelCount, labelCount));
        }
    }

    [Fact]
    public void WriteSparseLinear_InvalidWeights_ThrowsNamingTheValue()
    {
        var nanWeights = SparseModelFixture.Weights.ToArray();
        nanWeights[7] = float.NaN;

        var nan = Assert.Throws<ArgumentException>(() => OnnxModelWriter.WriteSparseLinear(
            new SparseLinearWeights(SparseModelFixture.FeatureCount, SparseModelFixture.LabelCount, nanWeights, SparseModelFixture.Bias), new OnnxModelInfo()));
        var shortBias = Assert.Throws<ArgumentException>(() => OnnxModelWriter.WriteSparseLinear(
            new SparseLinearWeights(SparseModelFixture.FeatureCount, SparseModelFixture.LabelCount, SparseModelFixture.Weights, new float[2]), new OnnxModelInfo()));
        var labels = Assert.Throws<ArgumentException>(() => OnnxModelWriter.WriteSparseLinear(
            SparseModelSpec.Model, new OnnxModelInfo { Labels = ["only", "two"] }));
        var tooLargeForHalf = SparseModelFixture.Weights.ToArray();
        tooLargeForHalf[4] = 1e6f;
        var half = Assert.Throws<ArgumentException>(() => OnnxModelWriter.WriteSparseLinear(
            new SparseLinearWeights(SparseModelFixture.FeatureCount, SparseModelFixture.LabelCount, tooLargeForHalf, SparseModelFixture.Bias),
            new OnnxModelInfo { WeightPrecision = OnnxWeightPrecision.Float16 }));

        Assert.Contains("weights.Weights[7]", nan.Message, StringComparison.Ordinal);
        Assert.Contains("weights.Bias", shortBias.Message, StringComparison.Ordinal);
        Assert.Contains("info.Labels", labels.Message, StringComparison.Ordinal);
        Assert.Contains("weights.Weights[4]", half.Message, StringComparison.Ordinal);
    }
}
