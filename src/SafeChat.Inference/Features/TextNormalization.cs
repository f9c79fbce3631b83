using SafeChat.Inference.Text;

namespace SafeChat.Inference.Features;

/// <summary>The single normalization entry point used by the featurizer (training and runtime).</summary>
internal static class TextNormalization
{
    /// <summary>Normalizes a message before tokenization, through the shared <see cref="TextNormalizer"/>.</summary>
    public static string Normalize(string? text) => TextNormalizer.Normalize(text);
}
