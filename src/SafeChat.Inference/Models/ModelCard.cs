using System.Text.Json.Nodes;

namespace SafeChat.Inference.Models;

/// <summary>
/// The card saved as <c>model.json</c> beside every SafeChat ONNX model: what the model is, what goes in and out,
/// which tokenizer files it needs, the sha256 of every file, thresholds, training data, metrics and limitations.
/// </summary>
/// <remarks>
/// Serialized with snake_case property names in declaration order (see <see cref="ToJson"/>). Load a card with
/// <see cref="LoadVerified(string)"/> or <see cref="LoadVerifiedModel(IModelFileSource)"/>, which check every hash.
/// </remarks>
public sealed partial record ModelCard
{
    /// <summary>The card's file name inside a model directory.</summary>
    public const string CardFileName = "model.json";

    /// <summary>The ONNX model's file name inside a model directory.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>Stable model id, e.g. <c>safechat-signals</c>. Never renamed, so history stays attached.</summary>
    public string Id { get; init; } = "";

    /// <summary>Model version, e.g. <c>1.0.0</c>.</summary>
    public string Version { get; init; } = "";

    /// <summary>When the model was produced (ISO 8601 in JSON).</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>What the model does, e.g. <c>multi-label per-message risk signals</c>.</summary>
    public string Task { get; init; } = "";

    /// <summary>The graph inputs in order.</summary>
    public IReadOnlyList<ModelCardTensor> Inputs { get; init; } = [];

    /// <summary>The graph outputs in order.</summary>
    public IReadOnlyList<ModelCardTensor> Outputs { get; init; } = [];

    /// <summary>Output label names in the order of the last output dimension.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>The tokenizer or featurizer the model expects, or <see langword="null"/> for dense numeric input.</summary>
    public ModelCardTokenizer? Tokenizer { get; init; }

    /// <summary>File name (relative, <c>/</c>-separated) to lowercase hex sha256, for every file beside the card.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();

    /// <summary>The sha256 of <c>model.onnx</c> (lowercase hex); equal to <c>files["model.onnx"]</c>.</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>Named decision thresholds on the probability outputs.</summary>
    public IReadOnlyDictionary<string, float> Thresholds { get; init; } = new Dictionary<string, float>();

    /// <summary>Every data set considered, including the ones deliberately not used.</summary>
    public IReadOnlyList<ModelCardTrainingData> TrainingData { get; init; } = [];

    /// <summary>Measured quality, one entry per data set and split.</summary>
    public IReadOnlyList<ModelCardMetric> Metrics { get; init; } = [];

    /// <summary>Known biases (languages, dialects, age groups, platforms) a deployer should know about.</summary>
    public IReadOnlyList<string> KnownBiases { get; init; } = [];

    /// <summary>What the model is for, and who should act on its output.</summary>
    public string IntendedUse { get; init; } = "";

    /// <summary>What the model cannot do.</summary>
    public IReadOnlyList<string> Limitations { get; init; } = [];

    /// <summary>The random seed used for training, if any.</summary>
    public int? Seed { get; init; }

    /// <summary>Free-form training hyperparameters (numbers, strings, arrays).</summary>
    public IReadOnlyDictionary<string, JsonNode?> Hyperparameters { get; init; } = new Dictionary<string, JsonNode?>();
}
