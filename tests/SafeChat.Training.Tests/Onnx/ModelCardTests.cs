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

    /// <summary>
    /// SafeChat.Inference.Tests loads model fixtures written by this writer; they must be what the writer writes today.
    /// Run with SAFECHAT_REWRITE_FIXTURES=1 to rewrite them after a deliberate writer change.
    /// </summary>
    [Theory]
    [InlineData("embedded-model")]
    [InlineData("sparse-model")]
    public void InferenceTestsFixture_Rewritten_IsByteIdenticalToTheCheckedInFiles(string name)
    {
        string checkedIn = Path.Combine(InferenceFixtures, name);
        if (Environment.GetEnvironmentVariable("SAFECHAT_REWRITE_FIXTURES") == "1")
        {
            Directory.CreateDirectory(checkedIn);
            WriteFixture(name, checkedIn);
        }

        WriteFixture(name, _directory.Path);

        var expected = RelativeFiles(checkedIn);
        Assert.Equal(expected, RelativeFiles(_directory.Path));
        Assert.NotEmpty(expected);
        Assert.All(expected, file => Assert.True(
            File.ReadAllBytes(Path.Combine(checkedIn, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(_directory.Path, file))),
            $"{name}/{file} differs from what the writer writes now"));
    }

    private static string InferenceFixtures =>
        typeof(ModelCardTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "InferenceFixtures").Value!;

    private static void WriteFixture(string name, string directory)
    {
        if (name == "embedded-model")
        {
            EmbeddedFixture.Write(directory);
        }
        else
        {
            WriteModelDirectory(directory);
        }
    }

    private static string[] RelativeFiles(string directory) => Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToArray();

    internal static ModelCard WriteModelDirectory(string directory)
    {
        OnnxModelWriter.WriteSparseLinear(SparseModelSpec.Model, SparseModelSpec.Info(), Path.Combine(directory, "model.onnx"));
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

}
