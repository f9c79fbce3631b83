using System.Text;
using SafeChat.Inference.Features;

namespace SafeChat.Inference.Tests.Detection;

/// <summary>Version-3 token features: advice, hypothetical and reported-speech scopes in five languages.</summary>
public sealed class MessageFeaturizerAdviceTests
{
    private static readonly string[] Words =
    [
        "[PAD]", "[UNK]", ",", ".", "!", "?", "if", "anyone", "ever", "asks", "you", "for", "pictures", "can", "always", "tell",
        "me", "nobody", "who", "really", "cares", "about", "to", "hide", "things", "from", "your", "parents", "send", "a", "pic",
        "now", "but", "he", "asked", "13", "si", "alguien", "te", "pide", "fotos", "wenn", "jemand", "dich", "nach", "bildern",
        "fragt", "als", "iemand", "om", "vraagt", "agar", "koi", "photo", "maange", "never", "let", "dont", "##s", "whoever",
        "wants", "cute", "only", "play", "with", "friends", "list", "tonight", "will", "know", "am", "i", "send2", "pay",
    ];

    private static MessageFeaturizer Create(int version)
    {
        var vocabulary = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', Words) + "\n"));
        return MessageFeaturizer.Create(vocabulary, version);
    }

    private static int Id(string word) => Array.IndexOf(Words, word);

    private static string AdviceWords(MessageFeaturizer featurizer, string text)
    {
        var tokens = Assert.IsType<MessageTokens>(featurizer.Tokenize(text));
        return string.Join(' ', Enumerable.Range(0, tokens.Count).Where(tokens.IsAdvice).Select(i => Words[tokens[i]]));
    }

    [Theory]
    [InlineData("if anyone ever asks you for pictures, you can always tell me", "ever asks you for pictures")]
    [InlineData("nobody who really cares about you asks you to hide things from your parents", "really cares about you asks you to hide things from")]
    [InlineData("never let anyone send you a pic.", "send you a pic")]
    [InlineData("he asked me for a pic", "for a pic")]
    [InlineData("if anyone asks for pictures but send me a pic now", "asks for pictures")]
    [InlineData("only play with friends list tonight", "friends list tonight")]
    [InlineData("si alguien te pide fotos", "te pide fotos")]
    [InlineData("wenn jemand dich nach bildern fragt", "dich nach bildern fragt")]
    [InlineData("als iemand om pictures vraagt", "om pictures vraagt")]
    [InlineData("agar koi photo maange", "photo maange")]
    [InlineData("whoever asks you", "asks you")]
    public void Tokenize_Version3_MarksTheWordsAfterAnAdviceTrigger(string text, string advice)
    {
        Assert.Equal(advice, AdviceWords(Create(3), text));
    }

    [Theory]
    [InlineData("send me a pic now")]
    [InlineData("you can always tell me")]
    [InlineData("nobody will know")]
    [InlineData("if you send me a pic")]
    [InlineData("whoevers cute")]
    public void Tokenize_Version3_NoTrigger_MarksNothing(string text)
    {
        Assert.Equal(string.Empty, AdviceWords(Create(3), text));
    }

    [Fact]
    public void Tokenize_Version3_NumbersStayUnmarkedAndIdsArePlain()
    {
        var featurizer = Create(3);
        var plain = Create(1).Tokenize("if anyone asks you 13 pictures");
        var tokens = Assert.IsType<MessageTokens>(featurizer.Tokenize("if anyone asks you 13 pictures"));

        Assert.Equal(plain, tokens);
        Assert.Equal("asks you pictures", AdviceWords(featurizer, "if anyone asks you 13 pictures"));
    }

    [Fact]
    public void Tokenize_Version3_ContinuationPiecesFollowTheirWord()
    {
        var tokens = Assert.IsType<MessageTokens>(Create(3).Tokenize("if anyone asks for pics"));

        Assert.Equal(["asks", "for", "pic", "##s"], Enumerable.Range(0, tokens.Count).Where(tokens.IsAdvice).Select(i => Words[tokens[i]]));
    }

    [Fact]
    public void Tokenize_Version2_MarksNoAdvice()
    {
        Assert.Equal(string.Empty, AdviceWords(Create(2), "if anyone ever asks you for pictures"));
    }

    [Fact]
    public void WriteChunk_AdviceToken_UsesTheAdviceBucketAndKeepsBigramsPlain()
    {
        var tokens = Create(3).Tokenize("if anyone asks for pictures");
        var ids = new long[MessageFeaturizer.MaxFeaturesPerChunk];
        var values = new float[MessageFeaturizer.MaxFeaturesPerChunk];

        int count = MessageFeaturizer.WriteChunk(tokens, 0, ids, values);

        var written = ids[..count];
        Assert.Contains(FeatureHashing.AdviceUnigram(Id("pictures")), written);
        Assert.DoesNotContain(FeatureHashing.Unigram(Id("pictures")), written);
        Assert.Contains(FeatureHashing.Unigram(Id("anyone")), written);
        Assert.Contains(FeatureHashing.Bigram(Id("for"), Id("pictures")), written);
    }

    [Fact]
    public void WriteChunk_AdviceInsideANegation_UsesTheAdviceBucket()
    {
        var tokens = Create(3).Tokenize("dont let anyone send you a pic");
        var ids = new long[MessageFeaturizer.MaxFeaturesPerChunk];
        var values = new float[MessageFeaturizer.MaxFeaturesPerChunk];

        int count = MessageFeaturizer.WriteChunk(tokens, 0, ids, values);

        var written = ids[..count];
        Assert.Contains(FeatureHashing.AdviceUnigram(Id("send")), written);
        Assert.DoesNotContain(FeatureHashing.NegatedUnigram(Id("send")), written);
    }
}
