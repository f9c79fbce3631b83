using SafeChat.Scoring;

namespace SafeChat.Inference.Features;

/// <summary>Names and conventions shared by the trainer (which writes the models) and the scorer (which loads them).</summary>
internal static class ModelLayout
{
    /// <summary>The per-message signals model id (directory name under <c>models/</c>).</summary>
    public const string SignalsModelId = "safechat-signals-v1";

    /// <summary>The conversation risk aggregator model id.</summary>
    public const string RiskModelId = "safechat-risk-v1";

    /// <summary>Manifest resource prefix of an embedded model: <c>SafeChat.Models.&lt;model-id&gt;.</c>.</summary>
    public static string ResourcePrefix(string modelId) => $"SafeChat.Models.{modelId}.";

    /// <summary>Line-level harm heads of the signals model, after the signals.</summary>
    public static IReadOnlyList<string> LineHarmHeads { get; } = ["grooming_line", "sextortion_line"];

    /// <summary>
    /// Internal context head after the line harm heads: how much a line reads like its writer is a minor ("im 13",
    /// "8th grade", "my mom wont let me"). Grooming is an adult targeting a minor; the aggregator uses the other
    /// participants' strongest minor cue. It travels as an extra trailing entry of
    /// <see cref="MessageSignals.HarmProbabilities"/> (never a public signal).
    /// </summary>
    public const string MinorCueHead = "minor_cue";

    /// <summary>Index of <see cref="MinorCueHead"/> within <see cref="MessageSignals.HarmProbabilities"/>.</summary>
    public const int MinorCueHarmIndex = 2;

    /// <summary>
    /// Internal document head after <see cref="MinorCueHead"/>: grooming probability of a whole pasted chat log (one
    /// message of at least <see cref="MessageFeaturizer.TranscriptMinTokens"/> tokens), scored once over the entire message
    /// rather than per chunk. Chunk rows ignore it; it travels as the 4th entry of
    /// <see cref="MessageSignals.HarmProbabilities"/> (0 for ordinary messages).
    /// </summary>
    public const string TranscriptHead = "transcript_grooming";

    /// <summary>Index of <see cref="TranscriptHead"/> within <see cref="MessageSignals.HarmProbabilities"/>.</summary>
    public const int TranscriptHarmIndex = 3;

    /// <summary>The signals model's labels in output order.</summary>
    public static IReadOnlyList<string> SignalsLabels { get; } = [.. SignalNames.All, .. LineHarmHeads, MinorCueHead, TranscriptHead];

    /// <summary>Hyperparameter keys the scorer checks against its own constants.</summary>
    public const string HashBitsKey = "hash_bits";

    /// <summary>Hyperparameter key: tokens per chunk.</summary>
    public const string ChunkTokensKey = "chunk_tokens";

    /// <summary>Hyperparameter key: chunk stride.</summary>
    public const string ChunkStrideKey = "chunk_stride";

    /// <summary>Hyperparameter key: the aggregator's feature names.</summary>
    public const string FeatureNamesKey = "feature_names";
}
