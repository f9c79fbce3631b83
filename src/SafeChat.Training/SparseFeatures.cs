using SafeChat.Inference.Features;

namespace SafeChat.Training;

/// <summary>A chunk's features as a sorted, de-duplicated sparse vector (what ML.NET's VBuffer needs).</summary>
internal readonly record struct SparseVector(int[] Indices, float[] Values);

/// <summary>Featurizes text for training exactly as the runtime does (same featurizer, same chunks).</summary>
internal sealed class TrainingFeaturizer(MessageFeaturizer featurizer)
{
    private readonly Dictionary<string, SparseVector[]> _cache = new(StringComparer.Ordinal);

    public MessageFeaturizer Featurizer { get; } = featurizer;

    /// <summary>The chunks of a message (empty for an empty message). Cached per distinct text.</summary>
    public SparseVector[] Chunks(string text)
    {
        if (_cache.TryGetValue(text, out var cached))
        {
            return cached;
        }

        var tokens = Featurizer.Tokenize(text);
        int chunkCount = MessageFeaturizer.ChunkCount(tokens.Count);
        var chunks = new SparseVector[chunkCount];
        Span<long> ids = stackalloc long[MessageFeaturizer.MaxFeaturesPerChunk];
        Span<float> values = stackalloc float[MessageFeaturizer.MaxFeaturesPerChunk];
        for (int c = 0; c < chunkCount; c++)
        {
            int count = Featurizer.WriteChunk(tokens, c, ids, values);
            chunks[c] = Merge(ids[..count], values[..count]);
        }

        if (text.Length < 400)
        {
            _cache[text] = chunks;
        }

        return chunks;
    }

    private static SparseVector Merge(ReadOnlySpan<long> ids, ReadOnlySpan<float> values)
    {
        var pairs = new (int Index, float Value)[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            pairs[i] = ((int)ids[i], values[i]);
        }

        Array.Sort(pairs, static (a, b) => a.Index.CompareTo(b.Index));
        var indices = new List<int>(pairs.Length);
        var merged = new List<float>(pairs.Length);
        foreach (var (index, value) in pairs)
        {
            if (indices.Count > 0 && indices[^1] == index)
            {
                merged[^1] += value;
            }
            else
            {
                indices.Add(index);
                merged.Add(value);
            }
        }

        return new SparseVector([.. indices], [.. merged]);
    }
}
