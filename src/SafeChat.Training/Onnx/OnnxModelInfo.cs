namespace SafeChat.Training.Onnx;

/// <summary>How the weight matrix W is stored in the ONNX file.</summary>
public enum OnnxWeightPrecision
{
    /// <summary>32-bit floats (exact).</summary>
    Float32,

    /// <summary>16-bit floats, half the size; cast to float inside the graph. Weights must fit in ±65504.</summary>
    Float16,
}

/// <summary>Descriptive fields written into an ONNX model by <see cref="OnnxModelWriter"/>.</summary>
public sealed class OnnxModelInfo
{
    /// <summary>The graph name, e.g. the model id <c>safechat-signals</c>.</summary>
    public string GraphName { get; init; } = "safechat";

    /// <summary>ModelProto.model_version. Default 1.</summary>
    public long ModelVersion { get; init; } = 1;

    /// <summary>ModelProto.doc_string: what the model does.</summary>
    public string DocString { get; init; } = "";

    /// <summary>Output label names in output order; written to metadata as a JSON array. Empty: not written.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Extra metadata_props (written sorted by key). Keys starting with <c>safechat.</c> are reserved.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>How W is stored. Default <see cref="OnnxWeightPrecision.Float32"/>.</summary>
    public OnnxWeightPrecision WeightPrecision { get; init; } = OnnxWeightPrecision.Float32;
}

/// <summary>
/// Weights of the sparse linear multi-label model: <c>logits[k] = b[k] + Σ_j values[j] · W[ids[j], k]</c>.
/// </summary>
/// <param name="FeatureCount">D, the number of feature ids (rows of W). Id 0 is the padding id.</param>
/// <param name="LabelCount">K, the number of labels (columns of W).</param>
/// <param name="Weights">W, D × K values, row-major: <c>W[d, k] = Weights[d * K + k]</c>.</param>
/// <param name="Bias">b, K values.</param>
public sealed record SparseLinearWeights(int FeatureCount, int LabelCount, ReadOnlyMemory<float> Weights, ReadOnlyMemory<float> Bias);

/// <summary>
/// Weights of the dense logistic model: <c>logits[h] = b[h] + Σ_f W[h, f] · (features[f] - Mean[f]) / Std[f]</c>.
/// </summary>
/// <param name="FeatureCount">F, the number of input features.</param>
/// <param name="OutputCount">H, the number of outputs (heads).</param>
/// <param name="Weights">W, H × F values, row-major: <c>W[h, f] = Weights[h * F + f]</c>.</param>
/// <param name="Bias">b, H values.</param>
/// <param name="Mean">Optional per-feature mean subtracted first (F values); needs <paramref name="Std"/>.</param>
/// <param name="Std">Optional per-feature standard deviation divided by next (F positive values); needs <paramref name="Mean"/>.</param>
public sealed record DenseLogisticWeights(
    int FeatureCount,
    int OutputCount,
    ReadOnlyMemory<float> Weights,
    ReadOnlyMemory<float> Bias,
    ReadOnlyMemory<float>? Mean = null,
    ReadOnlyMemory<float>? Std = null);
