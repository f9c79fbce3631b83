using System.Runtime.CompilerServices;
using SafeChat.Scoring;

namespace SafeChat.Inference.Features;

/// <summary>
/// Remembers the per-chunk results of messages scored in several chunks, keyed by the combined
/// <see cref="MessageSignals"/> instance handed to the engine (which passes the same instance back in its window).
/// Entries die with the instance. Thread-safe.
/// </summary>
internal sealed class ChunkRegistry
{
    private readonly ConditionalWeakTable<MessageSignals, MessageSignals[]> _chunks = new();

    /// <summary>
    /// Combines chunk results into one message result (per-output maximum) and remembers the chunks. A whole-message
    /// <paramref name="transcript"/> score, when given, replaces the combined entry at
    /// <see cref="ModelLayout.TranscriptHarmIndex"/>.
    /// </summary>
    public MessageSignals Combine(MessageSignals[] chunks, float? transcript = null)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Length == 1 && transcript is null)
        {
            return chunks[0];
        }

        int s = chunks[0].Probabilities.Length;
        int h = chunks[0].HarmProbabilities.Length;
        var signals = new float[s];
        var harms = new float[h];
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
        }

        if (transcript is float t && harms.Length > ModelLayout.TranscriptHarmIndex)
        {
            harms[ModelLayout.TranscriptHarmIndex] = t;
        }

        var combined = new MessageSignals(signals, harms);
        _chunks.AddOrUpdate(combined, chunks);
        return combined;
    }

    /// <summary>The chunks of a combined result, or null for a single-chunk (or foreign) result.</summary>
    public IReadOnlyList<MessageSignals>? Expand(MessageSignals signals) =>
        _chunks.TryGetValue(signals, out var chunks) ? chunks : null;
}
