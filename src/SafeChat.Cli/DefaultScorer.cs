using SafeChat.Inference;
using SafeChat.Scoring;

namespace SafeChat.Cli;

/// <summary>Creates the scorer: the models embedded in SafeChat.Inference, or the ones in <c>--model DIR</c>.</summary>
internal static class DefaultScorer
{
    public static ISafetyScorer Create(string? modelDirectory) =>
        modelDirectory is null ? OnnxSafetyScorer.LoadDefault() : OnnxSafetyScorer.Load(modelDirectory);
}
