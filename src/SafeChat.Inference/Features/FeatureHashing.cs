namespace SafeChat.Inference.Features;

/// <summary>
/// The fixed, documented feature hash shared by training and runtime: 32-bit FNV-1a over the little-endian bytes of
/// a feature-kind tag followed by the token ids, masked to <see cref="Dimension"/> buckets. Never string.GetHashCode.
/// </summary>
internal static class FeatureHashing
{
    /// <summary>log2 of the number of hash buckets.</summary>
    public const int HashBits = 17;

    /// <summary>Number of hash buckets (rows of the linear model's weight matrix).</summary>
    public const int Dimension = 1 << HashBits;

    private const uint FnvOffsetBasis = 2166136261;
    private const uint FnvPrime = 16777619;
    private const int UnigramTag = 1;
    private const int BigramTag = 2;
    private const int NegatedUnigramTag = 3;
    private const int TurnLengthTag = 4;
    private const int AdviceUnigramTag = 5;

    public static int Unigram(int tokenId) => Bucket(Mix(Mix(FnvOffsetBasis, UnigramTag), tokenId));

    /// <summary>A token inside a negation scope ("pay" in "do not pay"): its own bucket, apart from the plain unigram.</summary>
    public static int NegatedUnigram(int tokenId) => Bucket(Mix(Mix(FnvOffsetBasis, NegatedUnigramTag), tokenId));

    /// <summary>A token inside an advice/hypothetical scope ("pictures" in "if anyone asks you for pictures"): its own bucket.</summary>
    public static int AdviceUnigram(int tokenId) => Bucket(Mix(Mix(FnvOffsetBasis, AdviceUnigramTag), tokenId));

    /// <summary>The turn-length feature of a message of <paramref name="tokenCount"/> tokens.</summary>
    public static int TurnLength(int tokenCount) => Bucket(Mix(Mix(FnvOffsetBasis, TurnLengthTag), tokenCount));

    public static int Bigram(int firstTokenId, int secondTokenId) =>
        Bucket(Mix(Mix(Mix(FnvOffsetBasis, BigramTag), firstTokenId), secondTokenId));

    /// <summary>FNV-1a over a string's UTF-16 code units; used for stable data splits, not for features.</summary>
    public static uint StableHash(string value)
    {
        uint hash = FnvOffsetBasis;
        foreach (char c in value)
        {
            hash = (hash ^ (byte)c) * FnvPrime;
            hash = (hash ^ (byte)(c >> 8)) * FnvPrime;
        }

        return hash;
    }

    private static uint Mix(uint hash, int value)
    {
        hash = (hash ^ (byte)value) * FnvPrime;
        hash = (hash ^ (byte)(value >> 8)) * FnvPrime;
        hash = (hash ^ (byte)(value >> 16)) * FnvPrime;
        hash = (hash ^ (byte)(value >> 24)) * FnvPrime;
        return hash;
    }

    private static int Bucket(uint hash) => (int)(hash & (Dimension - 1));
}
