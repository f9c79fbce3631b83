using Microsoft.ML.OnnxRuntime;

namespace SafeChat.Inference.Onnx;

/// <summary>Session settings for <see cref="OnnxLinearModel"/>.</summary>
internal sealed class OnnxLinearModelOptions
{
    /// <summary>Threads used inside one operator. Default 1: on a device the app owns the cores, and the
    /// models are small enough that one thread beats the cost of waking others.</summary>
    public int IntraOpNumThreads { get; init; } = 1;

    /// <summary>Threads used across independent operators. Default 1 (the graphs are a single chain).</summary>
    public int InterOpNumThreads { get; init; } = 1;

    /// <summary>ONNX Runtime graph optimization level. Default: all.</summary>
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(IntraOpNumThreads, nameof(IntraOpNumThreads));
        ArgumentOutOfRangeException.ThrowIfNegative(InterOpNumThreads, nameof(InterOpNumThreads));
    }
}
