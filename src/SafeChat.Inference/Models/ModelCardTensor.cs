namespace SafeChat.Inference.Models;

/// <summary>One graph input or output as described by a <see cref="ModelCard"/>.</summary>
public sealed record ModelCardTensor
{
    /// <summary>The graph value name, e.g. <c>ids</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>The ONNX element type: <c>float</c>, <c>int64</c>, <c>float16</c>, <c>int32</c>, ...</summary>
    public string Type { get; init; } = "";

    /// <summary>
    /// Dimensions in order. A dimension made of digits is fixed (<c>"16"</c>); anything else names a symbolic
    /// dimension (<c>"batch"</c>, <c>"length"</c>).
    /// </summary>
    public IReadOnlyList<string> Shape { get; init; } = [];

    /// <summary>What the values mean.</summary>
    public string Meaning { get; init; } = "";
}
