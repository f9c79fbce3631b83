using SafeChat.Inference.Tests.Onnx;
using SafeChat.Training.Data;
using SafeChat.Training.Semantic;

namespace SafeChat.Training.Tests.Semantic;

/// <summary>The <c>--stage-parallel</c> reader: id, English line, translation; errors name file:line, never the text.</summary>
public sealed class ParallelLinesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Read_PairsFromSeveralFiles_SkipsCommentsAndEmptyLinesAndTrims()
    {
        string es = Write("es.tsv", "# id, English, Spanish\n\np1\tsee you tomorrow\t nos vemos mañana \n");
        string de = Write("de.tsv", "p2\tdont tell ur mom\tsags nicht deiner mutter\n");

        var pairs = ParallelLines.Read([es, de]);

        Assert.Equal(
            [new ParallelLine("p1", "see you tomorrow", "nos vemos mañana"), new ParallelLine("p2", "dont tell ur mom", "sags nicht deiner mutter")],
            pairs);
    }

    [Theory]
    [InlineData("p1\tonly two fields\n", ":1: expected 3")]
    [InlineData("p1\tfine\tbien\np2\tsecret words\t \n", ":2: expected 3")]
    [InlineData("p1\tfine\tbien\np1\tagain\totra vez\n", ":2: field 'id'")]
    public void Read_MalformedLine_FailsNamingFileAndLineWithoutTheText(string content, string expected)
    {
        string path = Write("bad.tsv", content);

        var error = Assert.Throws<DataFormatException>(() => ParallelLines.Read([path]));

        Assert.Contains(path + expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret words", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("otra vez", error.Message, StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        string path = _dir.File(name);
        File.WriteAllText(path, content);
        return path;
    }
}
