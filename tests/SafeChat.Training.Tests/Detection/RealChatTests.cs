using System.Globalization;
using SafeChat.Inference.Features;
using SafeChat.Training.Data;
using SafeChat.Training.Tests.Onnx;

namespace SafeChat.Training.Tests.Detection;

public sealed class RealChatTests
{
    [Fact]
    public void SplitOffenders_SixteenNames_SixHeldOutThreeValidationRestTrainAndStable()
    {
        var names = Enumerable.Range(0, 16).Select(i => $"offender_{i}").ToList();

        var parts = RealChat.SplitOffenders(names);
        var again = RealChat.SplitOffenders(Enumerable.Reverse(names));

        Assert.Equal(RealChat.PjHeldoutOffenders, parts.Values.Count(p => p == DataPart.Heldout));
        Assert.Equal(RealChat.PjValidationOffenders, parts.Values.Count(p => p == DataPart.Validation));
        Assert.Equal(16 - RealChat.PjHeldoutOffenders - RealChat.PjValidationOffenders, parts.Values.Count(p => p == DataPart.Train));
        Assert.Equal(parts, again);
    }

    [Theory]
    [InlineData("Billy Joe", "billy_joe")]
    [InlineData("tory beltz", "Tory_Beltz")]
    public void NormalizeName_KoutliAndInterleavedSpellings_Match(string koutli, string interleaved)
    {
        Assert.Equal(RealChat.NormalizeName(koutli), RealChat.NormalizeName(interleaved));
    }

    [Theory]
    [InlineData("pjx-billy_joe-s12", "billy_joe")]
    [InlineData("pjx-f_c-s0", "f_c")]
    public void PjxOffender_SessionId_OffenderName(string id, string expected)
    {
        Assert.Equal(expected, RealChat.PjxOffender(id));
    }

    [Fact]
    public void ReadAnnotations_MatchingReference_ReadsTextSignalsAndOffenderPart()
    {
        using var dir = new TempDirectory();
        var sessions = new List<ChatConversation> { Session("pjx-someone-s0", "hi there", "wanna meet up saturday") };
        string tsv = dir.File("labels.tsv");
        File.WriteAllText(tsv, "# comment\nline\tmessage\tpart\ttext_fnv\tsignals\n" +
            $"1\t1\ttrain\t{Hash("wanna meet up saturday")}\tmeeting\n1\t0\ttrain\t{Hash("hi there")}\t\n");
        var parts = new Dictionary<string, DataPart> { ["someone"] = DataPart.Train };

        var lines = RealChat.ReadAnnotations(tsv, sessions, parts);

        Assert.Equal(2, lines.Count);
        Assert.Equal("wanna meet up saturday", lines[0].Text);
        Assert.Equal(["meeting"], lines[0].Signals);
        Assert.Empty(lines[1].Signals);
        Assert.All(lines, l => Assert.Equal(DataPart.Train, l.Part));
    }

    [Fact]
    public void ReadAnnotations_TextHashMismatch_ErrorNamesTheTsvLine()
    {
        using var dir = new TempDirectory();
        var sessions = new List<ChatConversation> { Session("pjx-someone-s0", "hi there") };
        string tsv = dir.File("labels.tsv");
        File.WriteAllText(tsv, "line\tmessage\tpart\ttext_fnv\tsignals\n1\t0\ttrain\tdeadbeef\tsexual\n");

        var error = Assert.Throws<DataFormatException>(() => RealChat.ReadAnnotations(tsv, sessions, new Dictionary<string, DataPart>()));

        Assert.Contains("labels.tsv:2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadAnnotations_ReferenceAlreadyInAnotherFile_ErrorNamesBothPlaces()
    {
        using var dir = new TempDirectory();
        var sessions = new List<ChatConversation> { Session("pjx-someone-s0", "hi there", "wanna meet up saturday") };
        string first = dir.File("labels.tsv");
        string second = dir.File("labels-2.tsv");
        File.WriteAllText(first, $"line\tmessage\tpart\ttext_fnv\tsignals\n1\t1\ttrain\t{Hash("wanna meet up saturday")}\tmeeting\n");
        File.WriteAllText(second, $"line\tmessage\tpart\ttext_fnv\tsignals\n1\t0\ttrain\t{Hash("hi there")}\t\n1\t1\ttrain\t{Hash("wanna meet up saturday")}\t\n");
        var parts = new Dictionary<string, DataPart> { ["someone"] = DataPart.Train };
        var seen = new Dictionary<(int Line, int Message), string>();
        RealChat.ReadAnnotations(first, sessions, parts, seen);

        var error = Assert.Throws<DataFormatException>(() => RealChat.ReadAnnotations(second, sessions, parts, seen));

        Assert.Contains("labels-2.tsv:3", error.Message, StringComparison.Ordinal);
        Assert.Contains("labels.tsv:2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wanna", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralPjLabelFiles_KeepsEveryFileInOrder()
    {
        using var dir = new TempDirectory();
        string a = dir.File("a.tsv");
        string b = dir.File("b.tsv");
        File.WriteAllText(a, string.Empty);
        File.WriteAllText(b, string.Empty);
        string conversations = dir.File("c.jsonl");
        File.WriteAllText(conversations, string.Empty);
        Directory.CreateDirectory(dir.File("pjx"));
        var stderr = new StringWriter();

        var options = TrainingOptions.Parse(["--conversations", conversations, "--pj-interleaved", dir.File("pjx"), "--pj-labels", a, b, "--seed", "1"], stderr);

        Assert.True(options is not null, stderr.ToString());
        Assert.Equal([a, b], options.PjLabels);
    }

    [Fact]
    public void Parse_DailyDialogAsTrainingData_RejectedAsEvaluationOnly()
    {
        using var dir = new TempDirectory();
        string conversations = dir.File("c.jsonl");
        string dailyDialog = dir.File("dailydialog-validation.jsonl");
        File.WriteAllText(conversations, string.Empty);
        File.WriteAllText(dailyDialog, string.Empty);
        var stderr = new StringWriter();

        var options = TrainingOptions.Parse(["--conversations", conversations, "--real-benign", dailyDialog], stderr);

        Assert.Null(options);
        Assert.Contains("evaluation only", stderr.ToString(), StringComparison.Ordinal);
    }

    private static string Hash(string text) => FeatureHashing.StableHash(text).ToString("x8", CultureInfo.InvariantCulture);

    private static ChatConversation Session(string id, params string[] texts) => new()
    {
        Id = id,
        Source = "pjx",
        Label = HarmLabel.Grooming,
        Messages = texts.Select(t => new ChatLine("offender", t, [])).ToList(),
        Group = RealChat.PjxOffender(id),
    };
}
