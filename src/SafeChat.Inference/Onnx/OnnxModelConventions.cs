namespace SafeChat.Inference.Onnx;

/// <summary>Names shared by SafeChat's ONNX writer (SafeChat.Training) and <see cref="OnnxLinearModel"/>.</summary>
internal static class OnnxModelConventions
{
    /// <summary>Sparse input: hashed feature ids, int64 [batch, length], padding id 0.</summary>
    public const string IdsInput = "ids";

    /// <summary>Sparse input: feature values, float [batch, length], padding value 0.</summary>
    public const string ValuesInput = "values";

    /// <summary>Dense input: float [batch, features].</summary>
    public const string FeaturesInput = "features";

    /// <summary>Output before the sigmoid, float [batch, labels].</summary>
    public const string LogitsOutput = "logits";

    /// <summary>Output after the sigmoid, float [batch, labels].</summary>
    public const string ProbabilitiesOutput = "probabilities";

    /// <summary>Symbolic batch dimension name.</summary>
    public const string BatchDim = "batch";

    /// <summary>Symbolic sequence length dimension name.</summary>
    public const string LengthDim = "length";

    /// <summary>metadata_props key: <c>sparse-linear</c> or <c>dense-logistic</c>.</summary>
    public const string KindKey = "safechat.kind";

    /// <summary>metadata_props key: the number of rows of W (D for sparse, F for dense).</summary>
    public const string FeatureCountKey = "safechat.feature_count";

    /// <summary>metadata_props key: output label names as a JSON array of strings.</summary>
    public const string LabelsKey = "safechat.labels";

    /// <summary>metadata_props key: the storage type of W (<c>float</c> or <c>float16</c>).</summary>
    public const string WeightTypeKey = "safechat.weight_type";

    /// <summary><see cref="KindKey"/> value of the sparse model.</summary>
    public const string SparseKind = "sparse-linear";

    /// <summary><see cref="KindKey"/> value of the dense model.</summary>
    public const string DenseKind = "dense-logistic";
}
