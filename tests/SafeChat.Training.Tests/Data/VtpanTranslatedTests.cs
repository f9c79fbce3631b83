using SafeChat.Training.Data;
using SafeChat.Training.Evaluation;

namespace SafeChat.Training.Tests.Data;

public sealed class VtpanTranslatedTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"vtpan-translated-{Guid.NewGuid():N}");

    public VtpanTranslatedTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Our own rows in the translation files' shape (no research data): row_id,messages_xx,label.
    private string WriteCsv(string name, string column, int rows)
    {
        var path = Path.Combine(_dir, name);
        var lines = new List<string> { $"row_id,{column},label" };
        for (int i = 0; i < rows; i++)
        {
            lines.Add($"{i},\"['hallo {i}', \"\"wie geht's\"\"]\",{(i % 5 == 0 ? 1 : 0)}");
        }

        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void ReadVtpanTranslated_DutchColumn_JoinsMessagesIntoOnePastedLog()
    {
        var path = WriteCsv("val_dutch.csv", "messages_dutch", 3);

        var chats = CorpusReaders.ReadVtpanTranslated(path);

        Assert.Equal(3, chats.Count);
        Assert.Equal("vtpan-nl-0", chats[0].Id);
        Assert.Equal("nl", chats[0].Language);
        Assert.Equal(HarmLabel.Grooming, chats[0].Label);
        Assert.Equal(HarmLabel.Benign, chats[1].Label);
        var message = Assert.Single(chats[1].Messages);
        Assert.Equal("hallo 1 wie geht's", message.Text);
        Assert.Equal("vtpan-translated-1", chats[1].Group);
    }

    [Fact]
    public void ReadVtpanTranslated_BadMessagesField_NamesFileRowAndField()
    {
        var path = Path.Combine(_dir, "ger_valset.csv");
        File.WriteAllLines(path, ["row_id,messages_de,label", "0,\"['ok']\",0", "1,\"['broken\",1"]);

        var error = Assert.Throws<DataFormatException>(() => CorpusReaders.ReadVtpanTranslated(path));

        Assert.Contains("ger_valset.csv: row 3: field messages", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("broken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Heldout_TwoTranslations_ExportTheSameHeldOutChats()
    {
        var de = WriteCsv("ger_valset.csv", "messages_de", 200);
        var nl = WriteCsv("val_dutch.csv", "messages_dutch", 200);
        var output = Path.Combine(_dir, "out");

        var exit = HeldoutExport.Run(["--vtpan-translated", de, nl, "--out", output], TextWriter.Null, TextWriter.Null);

        Assert.Equal(0, exit);
        var germanIds = File.ReadAllLines(Path.Combine(output, "vtpan-de-heldout.jsonl")).Select(l => l.Split('"')[3]["vtpan-de-".Length..]).ToList();
        var dutchIds = File.ReadAllLines(Path.Combine(output, "vtpan-nl-heldout.jsonl")).Select(l => l.Split('"')[3]["vtpan-nl-".Length..]).ToList();
        Assert.InRange(germanIds.Count, 20, 60); // about 20% of 200
        Assert.Equal(germanIds, dutchIds); // a chat and its translation are never split apart
        var expected = Enumerable.Range(0, 200).Where(i => Splits.ForCorpus("vtpan-translated", $"vtpan-translated-{i}") == DataPart.Heldout).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, germanIds);
    }
}
