namespace SafeChat.Inference.Models;

/// <summary>The tokenizer or featurizer a model expects.</summary>
public sealed record ModelCardTokenizer
{
    /// <summary>The kind, e.g. <c>hashed-ngrams</c> or <c>wordpiece</c>.</summary>
    public string Kind { get; init; } = "";

    /// <summary>Tokenizer files beside the card (each also listed in <see cref="ModelCard.Files"/>).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Kind-specific settings, e.g. the hash dimension or n-gram lengths.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
}
