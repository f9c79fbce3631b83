namespace SafeChat.Inference.Features;

/// <summary>The single normalization entry point used by the featurizer (training and runtime).</summary>
internal static class TextNormalization
{
    /// <summary>Normalizes a message before tokenization. Placeholder until the shared text normalizer lands.</summary>
    public static string Normalize(string? text) => string.IsNullOrEmpty(text) ? string.Empty : text.ToLowerInvariant();
}
