using SafeChat.Training.Data;
using SafeChat.Training.Evaluation;

namespace SafeChat.Training.Tests.Evaluation;

public sealed class HeldoutExportTests
{
    [Fact]
    public void Run_RealBenignFile_WritesExactlyTheHeldOutLinesVerbatim()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"heldout-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var (source, lines) = WriteConvai2(dir);
            var expected = IdsIn(source, DataPart.Heldout);

            var exit = HeldoutExport.Run(["--real-benign", source, "--out", Path.Combine(dir, "out")], TextWriter.Null, TextWriter.Null);

            Assert.Equal(0, exit);
            var written = File.ReadAllLines(Path.Combine(dir, "out", "convai2-heldout.jsonl"));
            Assert.InRange(written.Length, 20, 60); // about 20% of 200
            Assert.Equal(expected.Count, written.Length);
            Assert.All(written, line => Assert.Contains(line, lines));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Run_PartValidation_WritesTheValidationLinesToValidationFiles()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"heldout-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var (source, lines) = WriteConvai2(dir);
            var expected = IdsIn(source, DataPart.Validation);

            var exit = HeldoutExport.Run(["--real-benign", source, "--part", "validation", "--out", Path.Combine(dir, "out")], TextWriter.Null, TextWriter.Null);

            Assert.Equal(0, exit);
            Assert.False(File.Exists(Path.Combine(dir, "out", "convai2-heldout.jsonl")));
            var written = File.ReadAllLines(Path.Combine(dir, "out", "convai2-validation.jsonl"));
            Assert.NotEmpty(written);
            Assert.Equal(expected.Count, written.Length);
            Assert.All(written, line => Assert.Contains(line, lines));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Run_PjDirectory_WritesTheHeldOutOffendersPseudoConversationsAsGrooming()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"heldout-{Guid.NewGuid():N}");
        var pj = Path.Combine(dir, "pj");
        Directory.CreateDirectory(Path.Combine(pj, "predators"));
        Directory.CreateDirectory(Path.Combine(pj, "officers"));
        try
        {
            var index = new List<string> { "username,predator_file,officer_files" };
            for (int o = 0; o < 40; o++)
            {
                File.WriteAllLines(Path.Combine(pj, "predators", $"p{o}.txt"), Enumerable.Range(0, 30).Select(i => $"offender {o} line {i}"));
                File.WriteAllLines(Path.Combine(pj, "officers", $"d{o}.txt"), Enumerable.Range(0, 30).Select(i => $"decoy {o} line {i}"));
                index.Add($"offender{o},predators/p{o}.txt,officers/d{o}.txt");
            }

            File.WriteAllLines(Path.Combine(pj, "index.csv"), index);

            var exit = HeldoutExport.Run(["--pj", pj, "--seed", "42", "--out", Path.Combine(dir, "out")], TextWriter.Null, TextWriter.Null);

            Assert.Equal(0, exit);
            var written = File.ReadAllLines(Path.Combine(dir, "out", "pj-koutli-heldout.jsonl"));
            Assert.NotEmpty(written);
            var offenders = new HashSet<string>();
            foreach (var line in written)
            {
                using var doc = System.Text.Json.JsonDocument.Parse(line);
                Assert.Equal("grooming", doc.RootElement.GetProperty("label").GetString());
                var authors = doc.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("author").GetString()).ToHashSet();
                Assert.Contains("offender", authors);
                var first = doc.RootElement.GetProperty("messages").EnumerateArray().First(m => m.GetProperty("author").GetString() == "offender");
                offenders.Add(first.GetProperty("text").GetString()!.Split(' ')[1]);
            }

            // Whole offenders are held out: about a fifth of them, never all.
            Assert.InRange(offenders.Count, 1, 20);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Run_PartUnknown_IsAUsageError()
    {
        using var error = new StringWriter();

        Assert.Equal(2, HeldoutExport.Run(["--real-benign", "x.jsonl", "--part", "train", "--out", "x"], TextWriter.Null, error));
        Assert.Contains("--part", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoCorpus_IsAUsageError()
    {
        using var error = new StringWriter();

        Assert.Equal(2, HeldoutExport.Run(["--out", "x"], TextWriter.Null, error));
        Assert.Contains("--real-benign", error.ToString(), StringComparison.Ordinal);
    }

    // 200 ConvAI2-shaped dialogues in dir/convai2-test.jsonl: the file and its lines.
    private static (string Path, string[] Lines) WriteConvai2(string dir)
    {
        var source = Path.Combine(dir, "convai2-test.jsonl");
        var lines = Enumerable.Range(0, 200)
            .Select(i => $$"""{"id": "convai2-t-{{i}}", "source": "convai2", "label": "benign", "messages": [{"author": "a", "text": "hi {{i}}"}, {"author": "b", "text": "hello"}]}""")
            .ToArray();
        File.WriteAllLines(source, lines);
        return (source, lines);
    }

    // The ids of the file's dialogues that the ConvAI2 split puts in `part`.
    private static HashSet<string> IdsIn(string source, DataPart part) =>
        CorpusReaders.ReadConversations(source, "convai2").Where(c => Splits.ForCorpus("convai2", c.Group) == part).Select(c => c.Id).ToHashSet();
}
