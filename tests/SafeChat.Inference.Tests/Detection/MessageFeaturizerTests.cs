using SafeChat.Inference.Features;

namespace SafeChat.Inference.Tests.Detection;

public sealed class MessageFeaturizerTests
{
    [Fact]
    public void WriteDocument_RepeatedTokens_CountsEachBucketOnceSortedAndNormalized()
    {
        int[] tokens = [5, 6, 5, 6, 5, 6, 7];
        var ids = new List<long>();
        var values = new List<float>();

        int count = MessageFeaturizer.WriteDocument(tokens, ids, values);

        // unigrams 5, 6, 7 and bigrams (5,6), (6,5), (6,7): six distinct buckets at most (collisions only shrink it).
        var expected = new HashSet<long>
        {
            FeatureHashing.Unigram(5), FeatureHashing.Unigram(6), FeatureHashing.Unigram(7),
            FeatureHashing.Bigram(5, 6), FeatureHashing.Bigram(6, 5), FeatureHashing.Bigram(6, 7),
        };
        Assert.Equal(expected.Count, count);
        Assert.Equal(expected.Order(), ids);
        Assert.All(values, v => Assert.Equal(1f / MathF.Sqrt(count), v, 1e-6f));
    }

    [Fact]
    public void WriteDocument_NoTokens_WritesNothing()
    {
        var ids = new List<long> { 1 };
        var values = new List<float> { 1f };

        Assert.Equal(0, MessageFeaturizer.WriteDocument([], ids, values));
        Assert.Empty(ids);
        Assert.Empty(values);
    }
}
