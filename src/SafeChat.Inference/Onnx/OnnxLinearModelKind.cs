namespace SafeChat.Inference.Onnx;

/// <summary>The two graph shapes SafeChat's ONNX writer produces.</summary>
internal enum OnnxLinearModelKind
{
    /// <summary>Sparse linear multi-label model: <c>ids</c> int64 [B,L] and <c>values</c> float [B,L] in.</summary>
    Sparse,

    /// <summary>Dense logistic model: <c>features</c> float [B,F] in.</summary>
    Dense,
}
