using System.Security.Cryptography;
using Google.Protobuf;
using SafeChat.Conversations;
using SafeChat.Inference.Features;
using SafeChat.Inference.Models;
using SafeChat.Inference.Onnx;
using SafeChat.Scoring;

namespace SafeChat.Inference.Tests.Onnx;

/// <summary>
/// The shipped graphs run in managed code without any ONNX Runtime session: their inputs, outputs and metadata are
/// read from the graph bytes (<see cref="LinearGraphReader"/>) and must be what ONNX Runtime reports for the same graph,
/// the card is checked against them with the same errors, and a graph the managed kernels cannot read still runs in
/// ONNX Runtime.
/// </summary>
public sealed class GraphSignatureTests : IDisposable
{
    private const float Tolerance = 2e-6f;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void TryReadSparse_ShippedSignalsGraph_SignatureEqualsOnnxRuntimes()
    {
        var bytes = Shipped(ModelLayout.SignalsModelId).ModelArray;

        var kernel = LinearGraphReader.TryReadSparse(bytes, "signals/model.onnx", out var signature);
        using var session = OnnxLinearModel.FromBytes(bytes, name: "signals/model.onnx");

        Assert.NotNull(kernel);
        AssertSameSignature(session.Signature, signature);
        Assert.Equal(OnnxLinearModelKind.Sparse, signature!.Kind);
        Assert.Equal(kernel.FeatureCount, signature.FeatureCount);
    }

    [Fact]
    public void TryReadDense_ShippedRiskGraph_SignatureEqualsOnnxRuntimes()
    {
        var bytes = Shipped(ModelLayout.RiskModelId).ModelArray;

        var kernel = LinearGraphReader.TryReadDense(bytes, "risk/model.onnx", out var signature);
        using var session = OnnxLinearModel.FromBytes(bytes, name: "risk/model.onnx");

        Assert.NotNull(kernel);
        AssertSameSignature(session.Signature, signature);
        Assert.Equal(OnnxLinearModelKind.Dense, signature!.Kind);
        Assert.Equal(RiskFeatures.Count, signature.FeatureCount);
    }

    [Fact]
    public void TryReadSparse_SparseFixtureGraph_SignatureEqualsOnnxRuntimes()
    {
        var bytes = ModelFixtures.SparseModelBytes();

        var kernel = LinearGraphReader.TryReadSparse(bytes, "fixture/model.onnx", out var signature);
        using var session = OnnxLinearModel.FromBytes(bytes, name: "fixture/model.onnx");

        Assert.NotNull(kernel);
        AssertSameSignature(session.Signature, signature);
    }

    [Fact]
    public void TryReadDense_SparseGraph_GivesNoKernelAndNoSignature()
    {
        var kernel = LinearGraphReader.TryReadDense(ModelFixtures.SparseModelBytes(), "fixture/model.onnx", out var signature);

        Assert.Null(kernel);
        Assert.Null(signature);
    }

    [Theory]
    [InlineData(12L)]
    [InlineData(22L)]
    public void TryReadDense_OpsetOutsideTheKnownRange_GivesNoKernel(long opset)
    {
        var bytes = Shipped(ModelLayout.RiskModelId).ModelArray;

        var kernel = LinearGraphReader.TryReadDense(WithOpset(bytes, opset), "risk/model.onnx", out var signature);

        Assert.NotNull(LinearGraphReader.TryReadDense(WithOpset(bytes, 17)));
        Assert.Null(kernel);
        Assert.Null(signature);
    }

    [Fact]
    public void Load_ShippedGraphs_MakesNoOnnxRuntimeSession()
    {
        using var managed = OnnxSafetyScorer.LoadDefault();
        using var onnx = OnnxSafetyScorer.LoadWithOnnxRuntime(ShippedSource(ModelLayout.SignalsModelId), ShippedSource(ModelLayout.RiskModelId));

        Assert.True(managed.UsesManagedKernels);
        Assert.Equal(0, managed.OnnxRuntimeSessions);
        Assert.False(onnx.UsesManagedKernels);
        Assert.Equal(2, onnx.OnnxRuntimeSessions);
        Assert.Equal(onnx.Descriptor.ModelVersion, managed.Descriptor.ModelVersion);
    }

    [Fact]
    public void Load_RiskCardInputTypeDiffersFromManagedGraph_ThrowsNamingJsonPath()
    {
        CopyShipped(ModelLayout.SignalsModelId);
        var risk = CopyShipped(ModelLayout.RiskModelId);
        var card = ReadCard(risk);
        var inputs = card.Inputs.ToArray();
        inputs[0] = inputs[0] with { Type = "float16" };
        WriteCard(risk, card with { Inputs = inputs });

        var error = Assert.Throws<ModelCardException>(() => OnnxSafetyScorer.Load(_directory.Path));

        Assert.Equal("$.inputs[0].type", error.JsonPath);
        Assert.EndsWith($"{ModelLayout.RiskModelId}/{ModelCard.CardFileName}", error.FileName!.Replace('\\', '/'), StringComparison.Ordinal);
        Assert.Contains("'float16' but 'features'", error.Message, StringComparison.Ordinal);
        Assert.Contains("is 'float'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SignalsCardShapeDiffersFromManagedGraph_ThrowsNamingJsonPath()
    {
        var signals = CopyShipped(ModelLayout.SignalsModelId);
        CopyShipped(ModelLayout.RiskModelId);
        var card = ReadCard(signals);
        var outputs = card.Outputs.ToArray();
        outputs[0] = outputs[0] with { Shape = ["batch", "3"] };
        WriteCard(signals, card with { Outputs = outputs });

        var error = Assert.Throws<ModelCardException>(() => OnnxSafetyScorer.Load(_directory.Path));

        Assert.Equal("$.outputs[0].shape", error.JsonPath);
        Assert.Contains("[batch, 3] but", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckAgainst_CardLabelCountDiffers_SameErrorAsOnnxRuntime()
    {
        var card = ModelFixtures.CopySparseModel(_directory.Path);
        var verified = ModelCard.LoadVerifiedModel(new DirectoryModelFileSource(_directory.Path));
        var name = $"{verified.SourceName}/{ModelCard.ModelFileName}";
        LinearGraphReader.TryReadSparse(verified.ModelArray, name, out var signature);
        using var session = OnnxLinearModel.FromVerified(verified);
        var wrong = card with { Labels = ["grooming", "sextortion"] };

        var managed = Assert.Throws<ModelCardException>(() => signature!.CheckAgainst(wrong, "fixture/model.json"));
        var onnx = Assert.Throws<ModelCardException>(() => session.CheckAgainst(wrong, "fixture/model.json"));

        Assert.Equal("$.labels", managed.JsonPath);
        Assert.Equal(onnx.Message, managed.Message);
    }

    [Fact]
    public void Load_RiskGraphTheManagedKernelCannotRead_RunsItInOnnxRuntime()
    {
        // The shipped risk graph with one more node (Identity of the probabilities, not a graph output): the same
        // function for ONNX Runtime, not the exact graph the managed reader knows.
        CopyShipped(ModelLayout.SignalsModelId);
        var risk = CopyShipped(ModelLayout.RiskModelId);
        var model = Path.Combine(risk, ModelCard.ModelFileName);
        var bytes = WithExtraIdentityNode(File.ReadAllBytes(model));
        File.WriteAllBytes(model, bytes);
        var card = ReadCard(risk);
        var sha = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
        var files = card.Files.ToDictionary();
        files[ModelCard.ModelFileName] = sha;
        WriteCard(risk, card with { Files = files, Sha256 = sha });
        Assert.Null(LinearGraphReader.TryReadDense(bytes));

        using var fallback = OnnxSafetyScorer.Load(_directory.Path);
        using var managed = OnnxSafetyScorer.LoadDefault();
        fallback.MessageCacheCapacity = 0;
        managed.MessageCacheCapacity = 0;
        string[] texts = ["how old r u", "ur so mature for ur age", "dont tell ur parents", "gg", "add me on snap", "send a pic"];
        string[] authors = ["adult", "kid", "adult", "third", "adult", "adult"];
        var signals = managed.AnalyzeBatch(texts);
        var window = signals.Select((s, i) => new WindowMessage(i, authors[i], authors[i] == "kid" ? AgeBand.Teen : AgeBand.Unknown, s)).ToArray();
        var a = fallback.Assess(window);
        var b = managed.Assess(window);

        Assert.False(fallback.UsesManagedKernels);
        Assert.Equal(1, fallback.OnnxRuntimeSessions);
        foreach (var harm in HarmNames.All)
        {
            Assert.InRange(Math.Abs(a.Harms[harm] - b.Harms[harm]), 0f, Tolerance);
        }

        Assert.True(a.Harms[HarmNames.Grooming] > 0.01f);
    }

    private static EmbeddedModelFileSource ShippedSource(string id) => new(typeof(OnnxSafetyScorer).Assembly, ModelLayout.ResourcePrefix(id));

    private static VerifiedModel Shipped(string id) => ModelCard.LoadVerifiedModel(ShippedSource(id));

    // Writes the shipped model's card and files into <directory>/<id> and returns that folder.
    private string CopyShipped(string id) => ShippedModels.Extract(id, _directory.Path);

    private static ModelCard ReadCard(string folder) => ModelCard.Parse(File.ReadAllBytes(Path.Combine(folder, ModelCard.CardFileName)));

    private static void WriteCard(string folder, ModelCard card) => File.WriteAllText(Path.Combine(folder, ModelCard.CardFileName), card.ToJson());

    // ModelProto.graph = 7; GraphProto.node = 1; NodeProto: input = 1, output = 2, op_type = 4. Repeated fields may come in
    // any order, so the node is appended to the end of the graph's bytes.
    private static byte[] WithExtraIdentityNode(byte[] model)
    {
        var node = new MemoryStream();
        var nodeOut = new CodedOutputStream(node);
        nodeOut.WriteTag(1, WireFormat.WireType.LengthDelimited);
        nodeOut.WriteString(OnnxModelConventions.ProbabilitiesOutput);
        nodeOut.WriteTag(2, WireFormat.WireType.LengthDelimited);
        nodeOut.WriteString("probabilities_copy");
        nodeOut.WriteTag(4, WireFormat.WireType.LengthDelimited);
        nodeOut.WriteString("Identity");
        nodeOut.Flush();

        var result = new MemoryStream();
        var input = new CodedInputStream(model);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var start = (int)input.Position - CodedOutputStream.ComputeRawVarint32Size(tag);
            if (tag == ((7 << 3) | 2))
            {
                var graph = new MemoryStream();
                graph.Write(input.ReadBytes().Span);
                var graphOut = new CodedOutputStream(graph);
                graphOut.WriteTag(1, WireFormat.WireType.LengthDelimited);
                graphOut.WriteBytes(ByteString.CopyFrom(node.ToArray()));
                graphOut.Flush();
                var field = new MemoryStream();
                var fieldOut = new CodedOutputStream(field);
                fieldOut.WriteTag(7, WireFormat.WireType.LengthDelimited);
                fieldOut.WriteBytes(ByteString.CopyFrom(graph.ToArray()));
                fieldOut.Flush();
                result.Write(field.ToArray());
                continue;
            }

            // Any other field is copied as it is.
            input.SkipLastField();
            result.Write(model, start, (int)input.Position - start);
        }

        return result.ToArray();
    }

    // The model with its opset_import (ModelProto field 8) replaced by the default domain at `version`.
    private static byte[] WithOpset(byte[] model, long version)
    {
        var result = new MemoryStream();
        var input = new CodedInputStream(model);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var start = (int)input.Position - CodedOutputStream.ComputeRawVarint32Size(tag);
            input.SkipLastField();
            if (tag != ((8 << 3) | 2))
            {
                result.Write(model, start, (int)input.Position - start);
            }
        }

        var opset = new MemoryStream();
        var opsetOut = new CodedOutputStream(opset);
        opsetOut.WriteTag(2, WireFormat.WireType.Varint);
        opsetOut.WriteInt64(version);
        opsetOut.Flush();
        var field = new MemoryStream();
        var fieldOut = new CodedOutputStream(field);
        fieldOut.WriteTag(8, WireFormat.WireType.LengthDelimited);
        fieldOut.WriteBytes(ByteString.CopyFrom(opset.ToArray()));
        fieldOut.Flush();
        result.Write(field.ToArray());
        return result.ToArray();
    }

    private static void AssertSameSignature(OnnxGraphSignature expected, OnnxGraphSignature? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.FeatureCount, actual.FeatureCount);
        Assert.Equal(expected.OutputCount, actual.OutputCount);
        Assert.Equal(expected.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal), actual.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal));
        AssertSameTensors(expected.Inputs, actual.Inputs);
        AssertSameTensors(expected.Outputs, actual.Outputs);
    }

    private static void AssertSameTensors(IReadOnlyList<OnnxTensorInfo> expected, IReadOnlyList<OnnxTensorInfo> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Name, actual[i].Name);
            Assert.Equal(expected[i].ElementType, actual[i].ElementType);
            Assert.Equal(expected[i].TypeName, actual[i].TypeName);
            Assert.Equal(expected[i].Dimensions, actual[i].Dimensions);
            Assert.Equal(expected[i].SymbolicDimensions, actual[i].SymbolicDimensions);
            Assert.Equal(expected[i].ShapeText, actual[i].ShapeText);
        }
    }
}
