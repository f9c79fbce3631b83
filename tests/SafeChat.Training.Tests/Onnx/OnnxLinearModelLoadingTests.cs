using Google.Protobuf;
using SafeChat.Inference.Models;
using SafeChat.Inference.Onnx;
using SafeChat.Training.Onnx;

namespace SafeChat.Training.Tests.Onnx;

public sealed class OnnxLinearModelLoadingTests
{
    [Fact]
    public void FromFile_WrittenModel_ScoresLikeFromBytes()
    {
        using var directory = new TempDirectory();
        OnnxModelWriter.WriteSparseLinear(SparseModelFixture.Model, SparseModelFixture.Info(), directory.File("model.onnx"));
        using var fromFile = OnnxLinearModel.FromFile(directory.File("model.onnx"));
        long[] ids = [4, 1];
        float[] values = [0.3f, 0.9f];
        var probabilities = new float[SparseModelFixture.LabelCount];

        fromFile.Run(ids, values, probabilities);

        SparseModelFixture.AssertClose(SparseModelFixture.Expected(ids, values), probabilities);
        Assert.Equal(OnnxModelConventions.SparseKind, fromFile.Metadata[OnnxModelConventions.KindKey]);
    }

    [Fact]
    public void FromBytes_NotAnOnnxModel_ThrowsInvalidDataNamingTheModel()
    {
        var error = Assert.Throws<InvalidDataException>(() => OnnxLinearModel.FromBytes("not a model"u8.ToArray(), name: "signals/model.onnx"));

        Assert.StartsWith("signals/model.onnx:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBytes_UnexpectedInputs_ThrowsInvalidDataDescribingThem()
    {
        var proto = OnnxModelWriter.BuildSparseLinear(SparseModelFixture.Model, SparseModelFixture.Info());
        proto.Graph.Input[0].Name = "tokens";
        proto.Graph.Node.Single(n => n.OpType == "Gather").Input[1] = "tokens";

        var error = Assert.Throws<InvalidDataException>(() => OnnxLinearModel.FromBytes(proto.ToByteArray()));

        Assert.Contains("expected inputs ids:int64", error.Message, StringComparison.Ordinal);
        Assert.Contains("tokens:int64[batch,length]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NonFiniteValue_ThrowsNamingThePosition()
    {
        using var model = OnnxLinearModel.FromBytes(OnnxModelWriter.WriteSparseLinear(SparseModelFixture.Model, SparseModelFixture.Info()));

        var error = Assert.Throws<ArgumentException>("values", () => model.Run([1, 2], [1f, float.NaN], new float[SparseModelFixture.LabelCount]));

        Assert.Contains("values[1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_ThenRun_ThrowsObjectDisposed()
    {
        var model = OnnxLinearModel.FromBytes(OnnxModelWriter.WriteSparseLinear(SparseModelFixture.Model, SparseModelFixture.Info()));
        model.Dispose();
        model.Dispose();

        Assert.Throws<ObjectDisposedException>(() => model.Run([1], [1f], new float[SparseModelFixture.LabelCount]));
    }

    [Fact]
    public void Parse_Sha256DiffersFromListedModelHash_ThrowsNamingSha256()
    {
        var json = """
            {
              "id": "x",
              "version": "1",
              "inputs": [{ "name": "features", "type": "float", "shape": ["batch", "2"], "meaning": "" }],
              "outputs": [{ "name": "probabilities", "type": "float", "shape": ["batch", "1"], "meaning": "" }],
              "files": { "model.onnx": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
              "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
            }
            """u8.ToArray();

        var error = Assert.Throws<ModelCardException>(() => ModelCard.Parse(json, "aggregator/model.json"));

        Assert.Equal("aggregator/model.json", error.FileName);
        Assert.Equal("$.sha256", error.JsonPath);
    }

    [Fact]
    public void Parse_MissingId_ThrowsNamingId()
    {
        var error = Assert.Throws<ModelCardException>(() => ModelCard.Parse("""{ "version": "1" }"""u8, "m/model.json"));

        Assert.Equal("$.id", error.JsonPath);
        Assert.StartsWith("m/model.json: $.id:", error.Message, StringComparison.Ordinal);
    }
}
