using SafeChat.Inference.Models;
using SafeChat.Inference.Onnx;

namespace SafeChat.Inference.Tests.Onnx;

/// <summary>Running and loading <see cref="OnnxLinearModel"/> on the checked-in sparse fixture model.</summary>
public sealed class OnnxLinearModelTests
{
    [Fact]
    public void Run_SingleRow_MatchesHandComputation()
    {
        using var model = OnnxLinearModel.FromBytes(ModelFixtures.SparseModelBytes());
        long[] ids = [1, 3, 5, 3];
        float[] values = [1.0f, 0.5f, 2.0f, 0.25f];
        var probabilities = new float[SparseModelFixture.LabelCount];

        model.Run(ids, values, probabilities);

        Assert.Equal(OnnxLinearModelKind.Sparse, model.Kind);
        Assert.Equal(SparseModelFixture.FeatureCount, model.FeatureCount);
        Assert.Equal(SparseModelFixture.LabelCount, model.OutputCount);
        SparseModelFixture.AssertClose(SparseModelFixture.Expected(ids, values), probabilities);
    }

    [Fact]
    public void Run_EmptyRow_ReturnsSigmoidOfBias()
    {
        using var model = OnnxLinearModel.FromBytes(ModelFixtures.SparseModelBytes());
        var probabilities = new float[SparseModelFixture.LabelCount];

        model.Run([], [], probabilities);

        SparseModelFixture.AssertClose(SparseModelFixture.Expected([], []), probabilities);
    }

    [Fact]
    public void RunBatch_RowsOfDifferentLengths_EachRowMatchesHandComputation()
    {
        using var model = OnnxLinearModel.FromBytes(ModelFixtures.SparseModelBytes());
        long[][] rowIds = [[2], [1, 3, 5, 4, 2], [], [5, 5]];
        float[][] rowValues = [[1.5f], [0.2f, -1.0f, 0.7f, 1.0f, 0.3f], [], [0.5f, 0.5f]];
        var ids = rowIds.SelectMany(r => r).ToArray();
        var values = rowValues.SelectMany(r => r).ToArray();
        var lengths = rowIds.Select(r => r.Length).ToArray();
        var probabilities = new float[rowIds.Length * SparseModelFixture.LabelCount];

        model.RunBatch(ids, values, lengths, probabilities);

        for (var r = 0; r < rowIds.Length; r++)
        {
            var row = probabilities.AsSpan(r * SparseModelFixture.LabelCount, SparseModelFixture.LabelCount);
            SparseModelFixture.AssertClose(SparseModelFixture.Expected(rowIds[r], rowValues[r]), row);
        }
    }

    [Fact]
    public void Run_ConcurrentCallers_EveryResultMatchesHandComputation()
    {
        using var model = OnnxLinearModel.FromBytes(ModelFixtures.SparseModelBytes());

        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var length = 1 + i % 7;
            var ids = Enumerable.Range(0, length).Select(j => (long)(1 + (i + j) % (SparseModelFixture.FeatureCount - 1))).ToArray();
            var values = Enumerable.Range(0, length).Select(j => (i % 5 - 2) * 0.25f + j * 0.1f).ToArray();
            var probabilities = new float[SparseModelFixture.LabelCount];

            model.Run(ids, values, probabilities);

            SparseModelFixture.AssertClose(SparseModelFixture.Expected(ids, values), probabilities);
        });
    }

    [Fact]
    public void Run_IdOutsideFeatureRange_ThrowsNamingThePosition()
    {
        using var model = OnnxLinearModel.FromBytes(ModelFixtures.SparseModelBytes());
        var probabilities = new float[SparseModelFixture.LabelCount];

        var tooLarge = Assert.Throws<ArgumentOutOfRangeException>(() => model.Run([1, SparseModelFixture.FeatureCount], [1f, 1f], probabilities));
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => model.Run([-1], [1f], probabilities));

        Assert.Contains("ids[1]", tooLarge.Message, StringComparison.Ordinal);
        Assert.Contains("ids[0]", negative.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunBatch_BadArguments_ThrowClearErrors()
    {
        using var model = OnnxLinearModel.FromBytes(ModelFixtures.SparseModelBytes());
        var probabilities = new float[2 * SparseModelFixture.LabelCount];

        Assert.Throws<ArgumentException>("values", () => model.RunBatch([1, 2], [1f], [2], probabilities));
        Assert.Throws<ArgumentException>("rowLengths", () => model.RunBatch([1, 2], [1f, 1f], [1, 2], probabilities));
        Assert.Throws<ArgumentException>("probabilities", () => model.RunBatch([1, 2], [1f, 1f], [1, 1], new float[3]));
        Assert.Throws<InvalidOperationException>(() => model.RunDense([1f], 1, probabilities));
    }

    [Fact]
    public void FromFile_FixtureModel_MatchesHandComputation()
    {
        using var fromFile = OnnxLinearModel.FromFile(Path.Combine(ModelFixtures.SparseModelDirectory, "model.onnx"));
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
    public void Run_NonFiniteValue_ThrowsNamingThePosition()
    {
        using var model = OnnxLinearModel.FromBytes(ModelFixtures.SparseModelBytes());

        var error = Assert.Throws<ArgumentException>("values", () => model.Run([1, 2], [1f, float.NaN], new float[SparseModelFixture.LabelCount]));

        Assert.Contains("values[1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_ThenRun_ThrowsObjectDisposed()
    {
        var model = OnnxLinearModel.FromBytes(ModelFixtures.SparseModelBytes());
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
