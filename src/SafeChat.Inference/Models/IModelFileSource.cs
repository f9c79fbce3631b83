using System.Diagnostics.CodeAnalysis;

namespace SafeChat.Inference.Models;

/// <summary>Where a model's files (card, <c>model.onnx</c>, tokenizer files) are read from.</summary>
public interface IModelFileSource
{
    /// <summary>A human-readable name of the source for error messages (a directory or an assembly and prefix).</summary>
    string DisplayName { get; }

    /// <summary>Opens a file for reading.</summary>
    /// <param name="name">A relative, <c>/</c>-separated file name, e.g. <c>model.onnx</c>.</param>
    /// <param name="stream">The open stream, owned by the caller.</param>
    /// <returns><see langword="false"/> if the source has no such file.</returns>
    bool TryOpenRead(string name, [NotNullWhen(true)] out Stream? stream);
}
