using SafeChat.Training.Data;
using SafeChat.Inference.Tests.Onnx;

namespace SafeChat.Training.Tests.Data;

/// <summary>The <c>lang</c> field of training data and the vocabulary's per-language quota.</summary>
public sealed class LanguageDataTests
{
    [Theory]
    [InlineData(null, "en")]
    [InlineData("es", "es")]
    [InlineData("DE", "de")]
    [InlineData("hi_en", "hi-en")]
    [InlineData("hinglish", "hi-en")]
    public void Parse_KnownCodes_Canonical(string? value, string expected)
    {
        Assert.Equal(expected, Languages.Parse(value));
    }

    [Fact]
    public void Parse_UnknownCode_ThrowsNamingTheField()
    {
        var error = Assert.Throws<FormatException>(() => Languages.Parse("fr"));
        Assert.Contains("lang", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadLines_LangField_IsReadAndDefaultsToEnglish()
    {
        using var dir = new TempDirectory();
        string path = dir.File("lines.jsonl");
        File.WriteAllText(path,
            """
            {"text": "wie alt bist du", "signals": ["age_probe"], "harm": "grooming", "speaker": "predator", "lang": "de"}
            {"text": "how old are you", "signals": ["age_probe"], "harm": "grooming", "speaker": "predator"}
            """);

        var lines = CorpusReaders.ReadLines(path);

        Assert.Equal(["de", "en"], lines.Select(l => l.Language));
    }

    [Fact]
    public void ReadLines_UnknownLang_ErrorNamesFileAndLine()
    {
        using var dir = new TempDirectory();
        string path = dir.File("lines.jsonl");
        File.WriteAllText(path, """{"text": "salut", "signals": [], "harm": "benign", "speaker": "other", "lang": "fr"}""");

        var error = Assert.Throws<DataFormatException>(() => CorpusReaders.ReadLines(path));
        Assert.StartsWith($"{path}:1:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadConversations_LangField_IsRead()
    {
        using var dir = new TempDirectory();
        string path = dir.File("c.jsonl");
        File.WriteAllText(path, """{"id": "c1", "label": "benign", "lang": "nl", "messages": [{"author": "a", "text": "hoi"}]}""" + "\n");

        var conversation = Assert.Single(CorpusReaders.ReadConversations(path, "synthetic"));

        Assert.Equal("nl", conversation.Language);
    }

    [Fact]
    public void Build_SmallLanguage_GetsItsWordsDespiteEnglishCounts()
    {
        var english = Enumerable.Repeat("the cat sat on the mat", 10).ToList();
        var dutch = new Dictionary<string, List<string>>(StringComparer.Ordinal) { ["nl"] = ["hoe oud ben je", "hoe oud ben jij"] };

        var withQuota = VocabularyBuilder.Build(english.Concat(dutch["nl"]), maxWords: 3, minWordCount: 3, maxSuffixes: 10, dutch, ["nicht"]);
        var without = VocabularyBuilder.Build(english.Concat(dutch["nl"]), maxWords: 3, minWordCount: 3, maxSuffixes: 10);

        Assert.Contains("hoe", withQuota);
        Assert.Contains("oud", withQuota);
        Assert.DoesNotContain("je", withQuota); // seen once: below the language minimum of 2
        Assert.Contains("nicht", withQuota);   // required word
        Assert.DoesNotContain("hoe", without);
        Assert.Equal(withQuota.Count, withQuota.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("9", 0)]
    [InlineData("10!", 0)]
    [InlineData("9 🙄", 0)]
    [InlineData("u got till 9pm", 1)]
    [InlineData("tick tock", 1)]
    public void SignalsOf_MessageWithoutLetters_LosesItsSignalLabels(string text, int expected)
    {
        Assert.Equal(expected, LineExamples.SignalsOf(text, ["deadline"]).Count);
    }
}
