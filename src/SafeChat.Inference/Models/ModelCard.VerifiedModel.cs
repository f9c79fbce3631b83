namespace SafeChat.Inference.Models;

/// <summary>A model card and the bytes of every file it lists, all hash-checked.</summary>
public sealed class VerifiedModel
{
    private readonly IReadOnlyDictionary<string, byte[]> _files;

    internal VerifiedModel(ModelCard card, IReadOnlyDictionary<string, byte[]> files, string sourceName)
    {
        Card = card;
        _files = files;
        SourceName = sourceName;
    }

    /// <summary>The validated card.</summary>
    public ModelCard Card { get; }

    /// <summary>Where the files were read from (for messages).</summary>
    public string SourceName { get; }

    /// <summary>The verified bytes of <c>model.onnx</c>.</summary>
    public ReadOnlyMemory<byte> Model => _files[ModelCard.ModelFileName];

    /// <summary>The names of the verified files.</summary>
    public IEnumerable<string> FileNames => _files.Keys;

    /// <summary>The verified bytes of a listed file.</summary>
    /// <exception cref="KeyNotFoundException">The card does not list <paramref name="name"/>.</exception>
    public ReadOnlyMemory<byte> GetFile(string name)
        => _files.TryGetValue(name, out var bytes)
            ? bytes
            : throw new KeyNotFoundException($"{SourceName}: '{name}' is not listed in the model card.");

    internal byte[] ModelArray => _files[ModelCard.ModelFileName];
}
