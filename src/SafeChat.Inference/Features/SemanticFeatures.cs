namespace SafeChat.Inference.Features;

/// <summary>
/// The dense semantic part of the signals model, folded into sparse rows. At training time every vocabulary token t has
/// a static embedding e_t (distilled from a sentence encoder, int8) and a weight a_t (SIF: a / (a + p(t))); a chunk's
/// semantic vector is s = (1/n) Σ a_t e_t over its n tokens, and each head is logistic over [hashed features ; s]. Since
/// w·s = Σ (1/n) (a_t w·e_t), the trained dense weights are folded into one row per token (a_t e_t · W) placed after
/// the hash buckets: the runtime writes id <see cref="Offset"/> + t with value 1/n per token and needs no other table,
/// no extra graph operator and no allocation. The ONNX graph, the managed kernel and ONNX Runtime score it unchanged.
/// </summary>
internal static class SemanticFeatures
{
    /// <summary>First semantic feature id: right after the hash buckets.</summary>
    public const int Offset = FeatureHashing.Dimension;

    /// <summary>Feature count of a signals model with semantic rows over a vocabulary of <paramref name="vocabularySize"/> tokens.</summary>
    public static int FeatureCount(int vocabularySize) => Offset + vocabularySize;

    /// <summary>
    /// Writes the semantic ids (offset + token id) of tokens [start, end), each valued 1/(end − start). Returns the count.
    /// </summary>
    public static int Write(IReadOnlyList<int> tokens, int start, int end, int offset, Span<long> ids, Span<float> values)
    {
        int n = end - start;
        if (n <= 0)
        {
            return 0;
        }

        float value = 1f / n;
        for (int i = 0; i < n; i++)
        {
            ids[i] = offset + (long)tokens[start + i];
            values[i] = value;
        }

        return n;
    }
}
