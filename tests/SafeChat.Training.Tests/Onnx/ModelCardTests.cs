using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using SafeChat.Inference.Models;
using SafeChat.Inference.Onnx;
using SafeChat.Training.Onnx;

namespace SafeChat.Training.Tests.Onnx;

public sealed class ModelCardTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 14, 9, 26, 53, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Save_ThenLoadVerified_RoundTripsEveryField()
    {
        var saved = WriteModelDirectory(_directory.Path);

        var loaded = ModelCard.LoadVerified(_directory.Path);

        Assert.Equal(saved.ToJson(), loaded.ToJson());
        Assert.Equal("test-signals", loaded.Id);
        Assert.Equal(Now, loaded.Created);
        Assert.Equal(["model.onnx", "tokenizer/vocab.txt"], loaded.Files.Keys);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_directory.File("model.onnx")))), loaded.Sha256);
        Assert.Equal(SparseModelFixture.Labels, loaded.Labels);
        Assert.Equal(0.62f, loaded.Thresholds["grooming"]);
        Assert.Equal(0.41, loaded.Metrics[0].RecallAt1PctFpr);
        Assert.Equal("not used", loaded.TrainingData[1].Usage);
        Assert.Equal(0.001, loaded.Hyperparameters["l2"]!.GetValue<double>());
        Assert.Equal("""[1,2]""", loaded.Hyperparameters["ngrams"]!.ToJsonString());
        Assert.Equal("262144", loaded.Tokenizer!.Options["dimension"]);
    }

    [Fact]
    public void Save_Json_UsesSnakeCaseInDeclarationOrder()
    {
        WriteModelDirectory(_directory.Path);

        var json = File.ReadAllText(_directory.File("model.json"));

        var order = new[] { "\"id\"", "\"version\"", "\"created\"", "\"task\"", "\"inputs\"", "\"outputs\"", "\"labels\"", "\"tokenizer\"", "\"files\"", "\"sha256\"", "\"thresholds\"", "\"training_data\"", "\"metrics\"", "\"known_biases\"", "\"intended_use\"", "\"limitations\"", "\"seed\"", "\"hyperparameters\"" }
            .Select(name => json.IndexOf(name, StringComparison.Ordinal)).ToArray();
        Assert.All(order, index => Assert.True(index >= 0));
        Assert.Equal(order.Order().ToArray(), order);
        Assert.Contains("\"recall_at_1pct_fpr\": 0.41", json, StringComparison.Ordinal);
        Assert.Contains("\"created\": \"2026-03-14T09:26:53+00:00\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_SameInputsTwice_SameBytes()
    {
        using var other = new TempDirectory();
        WriteModelDirectory(_directory.Path);
        WriteModelDirectory(other.Path);

        Assert.Equal(File.ReadAllBytes(_directory.File("model.json")), File.ReadAllBytes(other.File("model.json")));
        Assert.Equal(File.ReadAllBytes(_directory.File("model.onnx")), File.ReadAllBytes(other.File("model.onnx")));
    }

    [Fact]
    public void LoadVerified_TamperedModelByte_ThrowsModelIntegrityExceptionNamingFileAndHashes()
    {
        var card = WriteModelDirectory(_directory.Path);
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
        WriteModelDirectory(_directory.Path);
        File.AppendAllText(_directory.File("tokenizer/vocab.txt"), "extra\n");

        var error = Assert.Throws<ModelIntegrityException>(() => ModelCard.LoadVerified(_directory.Path));

        Assert.EndsWith("tokenizer/vocab.txt", error.FileName, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadVerified_ListedFileMissing_ThrowsModelIntegrityException()
    {
        WriteModelDirectory(_directory.Path);
        File.Delete(_directory.File("tokenizer/vocab.txt"));

        var error = Assert.Throws<ModelIntegrityException>(() => ModelCard.LoadVerified(_directory.Path));

        Assert.Null(error.ActualSha256);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadVerified_MalformedCard_ThrowsNamingFileAndJsonPath()
    {
        WriteModelDirectory(_directory.Path);
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
        WriteModelDirectory(_directory.Path);
        var json = File.ReadAllText(_directory.File("model.json"));
        File.WriteAllText(_directory.File("model.json"), json[..(json.Length / 2)]);

        var error = Assert.Throws<ModelCardException>(() => ModelCard.LoadVerified(_directory.Path));

        Assert.Contains("model.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("line", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadVerified_UnknownProperty_ThrowsNamingIt()
    {
        WriteModelDirectory(_directory.Path);
        var json = File.ReadAllText(_directory.File("model.json")).Replace("\"sha256\":", "\"sha265\": \"typo\",\n  \"sha256\":", StringComparison.Ordinal);
        File.WriteAllText(_directory.File("model.json"), json);

        var error = Assert.Throws<ModelCardException>(() => ModelCard.LoadVerified(_directory.Path));

        Assert.Contains("sha265", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadVerified_ModelNotListed_ThrowsNamingFilesPath()
    {
        WriteModelDirectory(_directory.Path);
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
        WriteModelDirectory(_directory.Path);
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
        WriteModelDirectory(_directory.Path);
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
        var card = WriteModelDirectory(_directory.Path);
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
        var card = WriteModelDirectory(_directory.Path);
        File.WriteAllText(_directory.File("model.json"), (card with { Labels = ["grooming", "sextortion"] }).ToJson());
        var verified = ModelCard.LoadVerifiedModel(new DirectoryModelFileSource(_directory.Path));

        var error = Assert.Throws<ModelCardException>(() => OnnxLinearModel.FromVerified(verified));

        Assert.Equal("$.labels", error.JsonPath);
    }

    [Fact]
    public void LoadVerifiedModel_EmbeddedResources_LoadsAndRuns()
    {
        var source = new EmbeddedModelFileSource(typeof(ModelCardTests).Assembly, "SafeChat.Training.Tests.EmbeddedModel.");

        var verified = ModelCard.LoadVerifiedModel(source);
        using var model = OnnxLinearModel.FromVerified(verified);
        var probabilities = new float[model.OutputCount];
        model.Run([1, 2], [1f, 1f], probabilities);

        Assert.Equal("embedded-test", verified.Card.Id);
        Assert.Contains("SafeChat.Training.Tests!", source.DisplayName, StringComparison.Ordinal);
        // The fixture is written by EmbeddedFixture.Write: W[1] = [1, -1], W[2] = [0.5, 0.5], b = [0, 0].
        SparseModelFixture.AssertClose([Sigmoid(1.5), Sigmoid(-0.5)], probabilities);
    }

    [Fact]
    public void EmbeddedFixture_Regenerated_ScoresLikeTheCheckedInFiles()
    {
        var embedded = ModelCard.LoadVerifiedModel(new EmbeddedModelFileSource(typeof(ModelCardTests).Assembly, "SafeChat.Training.Tests.EmbeddedModel."));
        var card = EmbeddedFixture.Write(_directory.Path);
        using var checkedIn = OnnxLinearModel.FromVerified(embedded);
        using var regenerated = OnnxLinearModel.FromVerified(ModelCard.LoadVerifiedModel(new DirectoryModelFileSource(_directory.Path)));
        var expected = new float[2];
        var actual = new float[2];

        checkedIn.Run([2, 1, 2], [0.5f, -2f, 1f], expected);
        regenerated.Run([2, 1, 2], [0.5f, -2f, 1f], actual);

        Assert.Equal(expected, actual);
        Assert.Equal(embedded.Card.Files["vocab.txt"], card.Files["vocab.txt"]);
    }

    [Fact]
    public void LoadVerifiedModel_EmbeddedResourcesWrongPrefix_ThrowsMissingCard()
    {
        var source = new EmbeddedModelFileSource(typeof(ModelCardTests).Assembly, "No.Such.Prefix.");

        var error = Assert.Throws<ModelCardException>(() => ModelCard.LoadVerifiedModel(source));

        Assert.Contains("No.Such.Prefix.", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    internal static ModelCard WriteModelDirectory(string directory)
    {
        OnnxModelWriter.WriteSparseLinear(SparseModelFixture.Model, SparseModelFixture.Info(), Path.Combine(directory, "model.onnx"));
        Directory.CreateDirectory(Path.Combine(directory, "tokenizer"));
        File.WriteAllText(Path.Combine(directory, "tokenizer", "vocab.txt"), "hello\nworld\n");
        var (inputs, outputs) = OnnxModelWriter.DescribeSparseLinear(SparseModelFixture.LabelCount);
        var card = new ModelCard
        {
            Id = "test-signals",
            Version = "1.2.0",
            Task = "multi-label per-message risk signals",
            Inputs = inputs,
            Outputs = outputs,
            Labels = SparseModelFixture.Labels,
            Tokenizer = new ModelCardTokenizer
            {
                Kind = "hashed-ngrams",
                Files = ["tokenizer/vocab.txt"],
                Options = new Dictionary<string, string> { ["ngrams"] = "1,2", ["dimension"] = "262144" },
            },
            Thresholds = new Dictionary<string, float> { ["sextortion"] = 0.55f, ["grooming"] = 0.62f },
            TrainingData =
            [
                new ModelCardTrainingData
                {
                    Name = "synthetic-conversations",
                    Source = "written by the SafeChat team",
                    Licence = "Apache-2.0",
                    Usage = "train",
                    Counts = new Dictionary<string, long> { ["conversations"] = 400, ["messages"] = 9000 },
                },
                new ModelCardTrainingData
                {
                    Name = "scraped-forum",
                    Source = "example",
                    Licence = "unknown",
                    Usage = "not used",
                    Notes = "licence unclear",
                },
            ],
            Metrics =
            [
                new ModelCardMetric
                {
                    Dataset = "synthetic-conversations", Split = "test", N = 1200, Precision = 0.9, Recall = 0.7, F05 = 0.85, Ap = 0.8,
                    RecallAt1PctFpr = 0.41, LatencyWeightedF1 = 0.66, Notes = "message level", HowMeasured = "safechat eval --split test",
                },
            ],
            KnownBiases = ["English only"],
            IntendedUse = "Flag conversations for human review.",
            Limitations = ["Not a classifier of intent."],
            Seed = 42,
            Hyperparameters = new Dictionary<string, JsonNode?> { ["l2"] = 0.001, ["ngrams"] = new JsonArray(1, 2), ["solver"] = "sdca" },
        };

        return ModelCardWriter.Save(directory, card, new FakeTimeProvider(Now));
    }

    private static float Sigmoid(double x) => (float)(1.0 / (1.0 + Math.Exp(-x)));
}
