using System.Text;
using SafeChat.Inference.Features;

namespace SafeChat.Inference.Tests.Detection;

/// <summary>Version-2 token features: negation scopes in five languages and the turn-length feature.</summary>
public sealed class MessageFeaturizerNegationTests
{
    private static readonly string[] Words =
    [
        "[PAD]", "[UNK]", ",", ".", "!", "?", "please", "do", "not", "pay", "dont", "tell", "anyone", "but", "send", "a", "pic",
        "no", "im", "13", "9", "lets", "go", "pagues", "nicht", "zahlen", "bitte", "niet", "betalen", "mat", "batana", "kisi",
        "ko", "now", "money", "le", "digas", "nadie", "i", "me", "u", "wont", "pics", "of", "you", "at", "##s",
    ];

    private static MessageFeaturizer Create(int version)
    {
        var vocabulary = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', Words) + "\n"));
        return MessageFeaturizer.Create(vocabulary, version);
    }

    private static int Id(string word) => Array.IndexOf(Words, word);

    private static List<string> NegatedWords(MessageFeaturizer featurizer, string text)
    {
        var tokens = Assert.IsType<MessageTokens>(featurizer.Tokenize(text));
        return [.. Enumerable.Range(0, tokens.Count).Where(tokens.IsNegated).Select(i => Words[tokens[i]])];
    }

    [Theory]
    [InlineData("Please do not pay", "pay")]
    [InlineData("dont tell anyone", "tell anyone")]
    [InlineData("do not pay, send a pic", "pay")]
    [InlineData("dont pay but send a pic", "pay")]
    [InlineData("no pagues", "pagues")]
    [InlineData("no le digas a nadie", "le digas a")]
    [InlineData("bitte nicht zahlen", "zahlen")]
    [InlineData("niet betalen", "betalen")]
    [InlineData("kisi ko mat batana", "batana")]
    [InlineData("no im 13", "")]
    [InlineData("i wont send 13 pics of you", "send pics of")]
    [InlineData("send a pic now", "")]
    public void Tokenize_Version2_MarksTheWordsAfterANegator(string text, string negated)
    {
        Assert.Equal(negated, string.Join(' ', NegatedWords(Create(2), text)));
    }

    [Fact]
    public void Tokenize_Version1_MarksNothing()
    {
        Assert.Empty(NegatedWords(Create(1), "please do not pay"));
    }

    [Fact]
    public void WriteChunk_NegatedToken_UsesTheNegatedBucketAndKeepsBigramsPlain()
    {
        var tokens = Create(2).Tokenize("please do not pay");
        var ids = new long[MessageFeaturizer.MaxFeaturesPerChunk];
        var values = new float[MessageFeaturizer.MaxFeaturesPerChunk];

        int count = MessageFeaturizer.WriteChunk(tokens, 0, ids, values);

        var written = ids[..count];
        Assert.Contains(FeatureHashing.NegatedUnigram(Id("pay")), written);
        Assert.DoesNotContain(FeatureHashing.Unigram(Id("pay")), written);
        Assert.Contains(FeatureHashing.Bigram(Id("not"), Id("pay")), written);
        Assert.Contains(FeatureHashing.TurnLength(4), written);
    }

    [Fact]
    public void WriteChunk_OneWordTurn_AddsTurnLengthAndDampsTheWord()
    {
        var tokens = Create(2).Tokenize("9");
        var ids = new long[MessageFeaturizer.MaxFeaturesPerChunk];
        var values = new float[MessageFeaturizer.MaxFeaturesPerChunk];

        int count = MessageFeaturizer.WriteChunk(tokens, 0, ids, values);

        Assert.Equal(2, count);
        Assert.Equal([FeatureHashing.Unigram(Id("9")), FeatureHashing.TurnLength(1)], ids[..count]);
        Assert.All(values[..count], v => Assert.Equal(0.5f, v, 1e-6f)); // 1/sqrt(max(2, 4))
    }

    [Fact]
    public void WriteChunk_Version1_KeepsThePlainFeatures()
    {
        var tokens = Create(1).Tokenize("9");
        var ids = new long[MessageFeaturizer.MaxFeaturesPerChunk];
        var values = new float[MessageFeaturizer.MaxFeaturesPerChunk];

        int count = MessageFeaturizer.WriteChunk(tokens, 0, ids, values);

        Assert.Equal(1, count);
        Assert.Equal(FeatureHashing.Unigram(Id("9")), ids[0]);
        Assert.Equal(1f, values[0]);
    }

    [Fact]
    public void Create_UnknownFeatureVersion_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(0));
    }
}
