using SafeChat.Training.Data;

namespace SafeChat.Training.Tests.Data;

/// <summary><c>--validation-lookalikes</c>: written look-alikes the semantic stage's threshold rule counts, never trained on.</summary>
public sealed class ValidationLookalikesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"lookalikes-{Guid.NewGuid():N}");

    public ValidationLookalikesTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Parse_ValidationLookalikes_CollectsEveryFileAndTrainingDataNeverReadsThem()
    {
        string conversations = Write("plain.jsonl", Row("c-1"), Row("c-2"));
        string first = Write("a.jsonl", Row("va-1"));
        string second = Write("b.jsonl", Row("vb-1"));

        var options = TrainingOptions.Parse(["--conversations", conversations, "--validation-lookalikes", first, second], TextWriter.Null);
        Assert.NotNull(options);
        var data = TrainingData.Load(options, TextWriter.Null);

        Assert.Equal([first, second], options.ValidationLookalikes);
        Assert.Equal(["c-1", "c-2"], data.Synthetic.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(data.Synthetic.Concat(data.Scoped).Concat(data.RealBenign), c => c.Id.StartsWith('v'));
    }

    [Fact]
    public void Parse_MissingValidationLookalikesFile_FailsNamingIt()
    {
        string conversations = Write("plain.jsonl", Row("c-1"));
        string missing = Path.Combine(_dir, "missing.jsonl");
        var stderr = new StringWriter();

        var options = TrainingOptions.Parse(["--conversations", conversations, "--validation-lookalikes", missing], stderr);

        Assert.Null(options);
        Assert.Contains($"file not found: {missing}", stderr.ToString(), StringComparison.Ordinal);
    }

    private string Write(string name, params string[] rows)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllLines(path, rows);
        return path;
    }

    private static string Row(string id) =>
        $$"""{"id": "{{id}}", "source": "safechat-handwritten", "label": "benign", "scenario": "scenario-{{id}}", "predator_authors": [], "participants": [{"id": "aunt", "age": 41}, {"id": "kid", "age": 10}], "room": {"id": "r-{{id}}", "kind": "direct"}, "lang": "en", "messages": [{"author": "aunt", "time": "2026-09-14T09:24:10Z", "text": "happy birthday!", "signals": []}, {"author": "kid", "time": "2026-09-14T09:25:10Z", "text": "thx", "signals": []}]}""";
}
