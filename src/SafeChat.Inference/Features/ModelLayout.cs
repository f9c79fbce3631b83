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

    /// <summary>Line-level harm heads of the signals model, after the signals: one per harm (<c>&lt;harm&gt;_line</c>), in <see cref="HarmNames.All"/> order.</summary>
    public static IReadOnlyList<string> LineHarmHeads { get; } = [.. HarmNames.All.Select(h => h + "_line")];

    /// <summary>
    /// Internal context head after the line harm heads: how much a line reads like its writer is a minor ("im 13",
    /// "8th grade", "my mom wont let me"). Grooming is an adult targeting a minor; the aggregator uses the other
    /// participants' strongest minor cue. It travels as <see cref="MessageSignals.MinorCue"/> (never a public signal).
    /// </summary>
    public const string MinorCueHead = "minor_cue";

    /// <summary>Index of <see cref="MinorCueHead"/> among the signals model's outputs after the signals.</summary>
    public static int MinorCueHeadIndex => LineHarmHeads.Count;

    /// <summary>
    /// Internal document head after <see cref="MinorCueHead"/>: grooming probability of a whole pasted chat log (one
    /// message of at least <see cref="MessageFeaturizer.TranscriptMinTokens"/> tokens), scored once over the entire message
    /// rather than per chunk. Chunk rows ignore it; it travels as <see cref="MessageSignals.TranscriptGrooming"/>
    /// (0 for ordinary messages).
    /// </summary>
    public const string TranscriptHead = "transcript_grooming";

    /// <summary>Index of <see cref="TranscriptHead"/> among the signals model's outputs after the signals.</summary>
    public static int TranscriptHeadIndex => LineHarmHeads.Count + 1;

    /// <summary>
    /// Builds a message's (or chunk's) <see cref="MessageSignals"/> from one row of the signals model's outputs:
    /// the signals, then <see cref="LineHarmHeads"/>, then <see cref="MinorCueHead"/>. A chunk row carries no transcript score.
    /// </summary>
    public static MessageSignals FromOutputRow(ReadOnlySpan<float> row, int signalCount)
    {
        int harms = LineHarmHeads.Count;
        float minorCue = row.Length > signalCount + MinorCueHeadIndex ? row[signalCount + MinorCueHeadIndex] : 0f;
        return new MessageSignals(row[..signalCount].ToArray(), row.Slice(signalCount, harms).ToArray(), minorCue, 0f, null);
    }

    /// <summary>
    /// Combines the chunk results of one message into the message's result: the per-output maximum, the chunks kept as
    /// <see cref="MessageSignals.Chunks"/>, and the whole-message <paramref name="transcript"/> score when there is one.
    /// A single chunk with no transcript score is the message's result as it is (with the semantic stage's two scores,
    /// when given, and still no chunks).
    /// </summary>
    public static MessageSignals Combine(IReadOnlyList<MessageSignals> chunks, float? transcript = null, (float Author, float Context) semantic = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Count == 1 && transcript is null)
        {
            var only = chunks[0];
            return semantic == default
                ? only
                : new MessageSignals(only.Probabilities.ToArray(), only.HarmProbabilities.ToArray(), only.MinorCue, only.TranscriptGrooming, only.Chunks, semantic.Author, semantic.Context);
        }

        int s = chunks[0].Probabilities.Length;
        int h = chunks[0].HarmProbabilities.Length;
        var signals = new float[s];
        var harms = new float[h];
        float minorCue = 0f;
        foreach (var chunk in chunks)
        {
            var p = chunk.Probabilities;
            for (int i = 0; i < s; i++)
            {
                signals[i] = Math.Max(signals[i], p[i]);
            }

            var q = chunk.HarmProbabilities;
            for (int i = 0; i < h; i++)
            {
                harms[i] = Math.Max(harms[i], q[i]);
            }

            minorCue = Math.Max(minorCue, chunk.MinorCue);
        }

        // Combined results always keep their chunks (even one), so the assessment counts them as a long message's units.
        return new MessageSignals(signals, harms, minorCue, transcript ?? 0f, chunks, semantic.Author, semantic.Context);
    }

    /// <summary>The signals model's labels in output order.</summary>
    public static IReadOnlyList<string> SignalsLabels { get; } = [.. SignalNames.All, .. LineHarmHeads, MinorCueHead, TranscriptHead];

    /// <summary>Hyperparameter keys the scorer checks against its own constants.</summary>
    public const string HashBitsKey = "hash_bits";

    /// <summary>Hyperparameter key: tokens per chunk.</summary>
    public const string ChunkTokensKey = "chunk_tokens";

    /// <summary>Hyperparameter key: chunk stride.</summary>
    public const string ChunkStrideKey = "chunk_stride";

    /// <summary>Hyperparameter key: the token feature version of the signals model (absent = 1; see <see cref="MessageFeaturizer"/>).</summary>
    public const string TokenFeaturesKey = "token_features";

    /// <summary>Hyperparameter key: the aggregator's feature names.</summary>
    public const string FeatureNamesKey = "feature_names";
}
