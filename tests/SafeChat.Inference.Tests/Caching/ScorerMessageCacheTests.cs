using SafeChat.Inference.Features;
using SafeChat.Inference.Models;

namespace SafeChat.Inference.Tests.Caching;

/// <summary>The scorer's per-message output cache: same outputs bit for bit with and without it, and its bounds.</summary>
public sealed class ScorerMessageCacheTests
{
    private static readonly string[] Texts =
    [
        "gg", "lol", "?", "gg", "how old r u btw", "dont tell ur parents ok its our thing", "gg", "", "lol",
        "send me a pic or i post the video", "you have 24 hours to pay", "ez 500", "how old r u btw",
        string.Join(" ", Enumerable.Repeat("this is a long pasted log line with many words and more words", 12)),
        string.Join(" ", Enumerable.Repeat("this is a long pasted log line with many words and more words", 12)),
    ];

    [Fact]
    public void AnalyzeBatch_WithCache_BitIdenticalToWithoutCacheOnFirstAndRepeatedCalls()
    {
        using var cached = OnnxSafetyScorer.LoadDefault();
        using var plain = OnnxSafetyScorer.LoadDefault();
        plain.MessageCacheCapacity = 0;

        var reference = plain.AnalyzeBatch(Texts);
        var first = cached.AnalyzeBatch(Texts);
        var second = cached.AnalyzeBatch(Texts);
        var single = Texts.Select(cached.AnalyzeMessage).ToArray();

        for (int i = 0; i < Texts.Length; i++)
        {
            AssertSame(reference[i], first[i]);
            AssertSame(reference[i], second[i]);
            AssertSame(reference[i], single[i]);
        }
    }

    [Fact]
    public void AnalyzeBatch_RepeatedTexts_ScoresEachDistinctTextOnceAndHitsAfterwards()
    {
        using var scorer = OnnxSafetyScorer.LoadDefault();
        var cache = scorer.MessageCache!;

        scorer.AnalyzeBatch(Texts);
        int distinct = Texts.Distinct(StringComparer.Ordinal).Count();
        Assert.Equal(distinct, cache.Count);

        long hits = cache.Hits;
        scorer.AnalyzeBatch(Texts);
        Assert.Equal(hits + Texts.Length, cache.Hits);
        Assert.Equal(distinct, cache.Count);
    }

    [Fact]
    public void MessageCacheCapacity_Default_IsTheDocumentedDefault()
    {
        using var scorer = OnnxSafetyScorer.LoadDefault();

        Assert.Equal(OnnxSafetyScorer.DefaultMessageCacheCapacity, scorer.MessageCacheCapacity);
    }

    [Fact]
    public void MessageCacheCapacity_Zero_TurnsTheCacheOff()
    {
        using var scorer = OnnxSafetyScorer.LoadDefault();

        scorer.MessageCacheCapacity = 0;
        scorer.AnalyzeBatch(Texts);

        Assert.Equal(0, scorer.MessageCacheCapacity);
        Assert.Null(scorer.MessageCache);
    }

    [Fact]
    public void MessageCacheCapacity_Small_BoundsTheEntries()
    {
        using var scorer = OnnxSafetyScorer.LoadDefault();
        scorer.MessageCacheCapacity = 4;

        scorer.AnalyzeBatch([.. Enumerable.Range(0, 50).Select(i => "line number " + i)]);

        Assert.Equal(4, scorer.MessageCache!.Count);
    }

    [Fact]
    public void LoadWithOnnxRuntime_GraphsInOnnxRuntime_CacheNothing()
    {
        var assembly = typeof(OnnxSafetyScorer).Assembly;
        using var scorer = OnnxSafetyScorer.LoadWithOnnxRuntime(
            new EmbeddedModelFileSource(assembly, ModelLayout.ResourcePrefix(ModelLayout.SignalsModelId)),
            new EmbeddedModelFileSource(assembly, ModelLayout.ResourcePrefix(ModelLayout.RiskModelId)));

        // Batched ONNX Runtime results may differ in the last bit between batch shapes: a cached row could differ from a fresh one.
        Assert.Equal(OnnxSafetyScorer.DefaultMessageCacheCapacity, scorer.MessageCacheCapacity);
        Assert.Null(scorer.MessageCache);
        Assert.Null(scorer.AuthorRiskCache);
    }

    [Fact]
    public void MessageCacheCapacity_Negative_Throws()
    {
        using var scorer = OnnxSafetyScorer.LoadDefault();

        Assert.Throws<ArgumentOutOfRangeException>(() => scorer.MessageCacheCapacity = -1);
    }

    private static void AssertSame(SafeChat.Scoring.MessageSignals expected, SafeChat.Scoring.MessageSignals actual)
    {
        Assert.Equal(expected.Probabilities.ToArray(), actual.Probabilities.ToArray());
        Assert.Equal(expected.HarmProbabilities.ToArray(), actual.HarmProbabilities.ToArray());
        Assert.Equal(BitConverter.SingleToInt32Bits(expected.MinorCue), BitConverter.SingleToInt32Bits(actual.MinorCue));
        Assert.Equal(BitConverter.SingleToInt32Bits(expected.TranscriptGrooming), BitConverter.SingleToInt32Bits(actual.TranscriptGrooming));
        Assert.Equal(expected.Chunks.Count, actual.Chunks.Count);
        for (int c = 0; c < expected.Chunks.Count; c++)
        {
            AssertSame(expected.Chunks[c], actual.Chunks[c]);
        }
    }
}
