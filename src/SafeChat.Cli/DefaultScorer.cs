using SafeChat.Scoring;

namespace SafeChat.Cli;

/// <summary>
/// The one seam between the CLI and the real scorer (SafeChat.Inference.OnnxSafetyScorer from the detection team).
/// The lead replaces this body at merge: <c>modelDirectory is null ? OnnxSafetyScorer.LoadDefault() : OnnxSafetyScorer.Load(modelDirectory)</c>.
/// </summary>
internal static class DefaultScorer
{
    public static ISafetyScorer Create(string? modelDirectory) =>
        throw new InvalidOperationException(
            "no scorer is built into this build yet (the ONNX scorer from SafeChat.Inference is wired in at merge)"
            + (modelDirectory is null ? string.Empty : $"; --model '{modelDirectory}' cannot be loaded"));
}
