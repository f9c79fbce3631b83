using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SafeChat.Inference.Models;
using SafeChat.Inference.Onnx;
using SafeChat.Inference.Tests.Onnx;

namespace SafeChat.Inference.Tests.Models;

/// <summary>
/// Loading and verifying model directories and their cards. The fixtures (Fixtures/sparse-model, Fixtures/embedded-model)
/// are written by SafeChat.Training's ONNX writer; SafeChat.Training.Tests checks that a rewrite gives the same bytes.
/// </summary>
public sealed class ModelCardLoadingTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void LoadVerified_TamperedModelByte_ThrowsModelIntegrityExceptionNamingFileAndHashes()
    {
        var card = ModelFixtures.CopySparseModel(_directory.Path);
        var bytes = File.ReadAllBytes(_directory.File("model.onnx"));
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(_directory.File("model.onnx"), bytes);

        var error = Assert.Throws<ModelIntegrityException>(() => ModelCard.LoadVerified(_directory.Path));

        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.EndsWith("model.onnx", error.FileName, StringComparison.Ordinal);
        Assert.Equal(card.Sha256, error.ExpectedSha256);
        Assert.Equal(actual, error.ActualSha256);
        Assert.Contains(card.Sha256, error.Message, StringComparison.Ordinal);
        Assert.Contains(actual, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadVerified_TamperedTokenizerFile_ThrowsModelIntegrityException()
    {
        ModelFixtures.CopySparseModel(_directory.Path);
        File.AppendAllText(_directory.File("tokenizer/vocab.txt"), "extra\n");

        var error = Assert.Throws<ModelIntegrityException>(() => ModelCard.LoadVerified(_directory.Path));

        Assert.EndsWith("tokenizer/vocab.txt", error.FileName, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadVerified_ListedFileMissing_ThrowsModelIntegrityException()
    {
        ModelFixtures.CopySparseModel(_directory.Path);
        File.Delete(_directory.File("tokenizer/vocab.txt"));

        var error = Assert.Throws<ModelIntegrityException>(() => ModelCard.LoadVerified(_directory.Path));

        Assert.Null(error.ActualSha256);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadVerified_MalformedCard_ThrowsNamingFileAndJsonPath()
    {
        ModelFixtures.CopySparseModel(_directory.Path);
        var json = File.ReadAllText(_directory.File("model.json")).Replace("\"n\": 1200", "\"n\": \"many\"", StringComparison.Ordinal);
        File.WriteAllText(_directory.File("model.json"), json);

        var error = Assert.Throws<ModelCardException>(() => ModelCard.LoadVerified(_directory.Path));

        Assert.EndsWith("model.json", error.FileName, StringComparison.Ordinal);
        Assert.Equal("$.metrics[0].n", error.JsonPath);
        Assert.Contains("model.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("$.metrics[0].n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadVerified_TruncatedJson_ThrowsNamingFile()
    {
        ModelFixtures.CopySparseModel(_directory.Path);
        var json = File.ReadAllText(_directory.File("model.json"));
        File.WriteAllText(_directory.File("model.json"), json[..(json.Length / 2)]);

        var error = Assert.Throws<ModelCardException>(() => ModelCard.LoadVerified(_directory.Path));

        Assert.Contains("model.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("line", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadVerified_UnknownProperty_ThrowsNamingIt()
    {
        ModelFixtures.CopySparseModel(_directory.Path);
        var json = File.ReadAllText(_directory.File("model.json")).Replace("\"sha256\":", "\"sha265\": \"typo\",\n  \"sha256\":", StringComparison.Ordinal);
        File.WriteAllText(_directory.File("model.json"), json);

        var error = Assert.Throws<ModelCardException>(() => ModelCard.LoadVerified(_directory.Path));

        Assert.Contains("sha265", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadVerified_ModelNotListed_ThrowsNamingFilesPath()
    {
        ModelFixtures.CopySparseModel(_directory.Path);
        var card = ModelCard.Parse(File.ReadAllBytes(_directory.File("model.json")));
        var withoutModel = card with { Files = card.Files.Where(f => f.Key != "model.onnx").ToDictionary() };
        File.WriteAllText(_directory.File("model.json"), JsonNode.Parse(withoutModel.ToJson())!.ToJsonString());

        var error = Assert.Throws<ModelCardException>(() => ModelCard.LoadVerified(_directory.Path));

        Assert.Equal("$.files", error.JsonPath);
        Assert.Contains("model.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadVerified_FileNameLeavingDirectory_IsRejected()
    {
        ModelFixtures.CopySparseModel(_directory.Path);
        var card = ModelCard.Parse(File.ReadAllBytes(_directory.File("model.json")));
        var files = card.Files.ToDictionary();
        files["../outside.txt"] = new string('a', 64);
        File.WriteAllText(_directory.File("model.json"), (card with { Files = files }).ToJson());

        var error = Assert.Throws<ModelCardException>(() => ModelCard.LoadVerified(_directory.Path));

        Assert.Equal("$.files['../outside.txt']", error.JsonPath);
    }

    [Fact]
    public void LoadVerified_MissingCard_ThrowsNamingFile()
    {
        var error = Assert.Throws<ModelCardException>(() => ModelCard.LoadVerified(_directory.Path));

        Assert.Equal(Path.Combine(_directory.Path, "model.json").Replace('\\', '/'), error.FileName!.Replace('\\', '/'));
    }

    [Fact]
    public void FromVerified_CardMatchesGraph_RunsTheVerifiedBytes()
    {
        ModelFixtures.CopySparseModel(_directory.Path);
        var verified = ModelCard.LoadVerifiedModel(new DirectoryModelFileSource(_directory.Path));
        using var model = OnnxLinearModel.FromVerified(verified);
        long[] ids = [2, 3];
        float[] values = [1f, 0.5f];
        var probabilities = new float[SparseModelFixture.LabelCount];

        model.Run(ids, values, probabilities);

        SparseModelFixture.AssertClose(SparseModelFixture.Expected(ids, values), probabilities);
        Assert.Equal("hello\nworld\n", Encoding.UTF8.GetString(verified.GetFile("tokenizer/vocab.txt").Span));
    }

    [Fact]
    public void FromVerified_CardInputTypeDiffers_ThrowsNamingJsonPath()
    {
        var card = ModelFixtures.CopySparseModel(_directory.Path);
        var inputs = card.Inputs.ToArray();
        inputs[0] = inputs[0] with { Type = "int32" };
        File.WriteAllText(_directory.File("model.json"), (card with { Inputs = inputs }).ToJson());
        var verified = ModelCard.LoadVerifiedModel(new DirectoryModelFileSource(_directory.Path));

        var error = Assert.Throws<ModelCardException>(() => OnnxLinearModel.FromVerified(verified));

        Assert.Equal("$.inputs[0].type", error.JsonPath);
        Assert.Contains("int64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromVerified_CardLabelCountDiffers_ThrowsNamingLabels()
    {
        var card = ModelFixtures.CopySparseModel(_directory.Path);
        File.WriteAllText(_directory.File("model.json"), (card with { Labels = ["grooming", "sextortion"] }).ToJson());
        var verified = ModelCard.LoadVerifiedModel(new DirectoryModelFileSource(_directory.Path));

        var error = Assert.Throws<ModelCardException>(() => OnnxLinearModel.FromVerified(verified));

        Assert.Equal("$.labels", error.JsonPath);
    }

    [Fact]
    public void LoadVerifiedModel_EmbeddedResources_LoadsAndRuns()
    {
        var source = new EmbeddedModelFileSource(typeof(ModelCardLoadingTests).Assembly, ModelFixtures.EmbeddedPrefix);

        var verified = ModelCard.LoadVerifiedModel(source);
        using var model = OnnxLinearModel.FromVerified(verified);
        var probabilities = new float[model.OutputCount];
        model.Run([1, 2], [1f, 1f], probabilities);

        Assert.Equal("embedded-test", verified.Card.Id);
        Assert.Contains("SafeChat.Inference.Tests!", source.DisplayName, StringComparison.Ordinal);
        // The fixture is written by EmbeddedFixture.Write: W[1] = [1, -1], W[2] = [0.5, 0.5], b = [0, 0].
        SparseModelFixture.AssertClose([Sigmoid(1.5), Sigmoid(-0.5)], probabilities);
    }

    [Fact]
    public void LoadVerifiedModel_EmbeddedResourcesWrongPrefix_ThrowsMissingCard()
    {
        var source = new EmbeddedModelFileSource(typeof(ModelCardLoadingTests).Assembly, "No.Such.Prefix.");

        var error = Assert.Throws<ModelCardException>(() => ModelCard.LoadVerifiedModel(source));

        Assert.Contains("No.Such.Prefix.", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    private static float Sigmoid(double x) => (float)(1.0 / (1.0 + Math.Exp(-x)));
}
