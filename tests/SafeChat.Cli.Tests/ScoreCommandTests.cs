using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SafeChat.Policies;

namespace SafeChat.Cli.Tests;

public partial class ScoreCommandTests
{
    private static readonly string[] ContractFields =
        ["id", "flagged", "risk", "harms", "first_alert_index", "flagged_authors", "room", "signals", "decisions", "language"];

    [GeneratedRegex(@"^scored (\d+) conversations, (\d+) messages in \d+\.\d\d s \(\d+\.\d messages/s\)$")]
    private static partial Regex SummaryLine();

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private const string Good = """{"id":"ok","messages":[{"author":"a","text":"hi"},{"author":"b","text":"hello"}]}""";

    [Fact]
    public async Task Score_DemoFixture_HonoursTheOutputContract()
    {
        var runner = new CliRunner();

        var run = await runner.RunAsync(["score", CliRunner.Fixture("demo.jsonl")]);

        Assert.Equal(0, run.ExitCode);
        var results = run.Results;
        Assert.Equal(["demo-grooming-dm", "demo-benign-group", "demo-sextortion", "4711"], results.Select(r => r.GetProperty("id").GetString()));
        Assert.All(results, r => Assert.Equal(ContractFields, r.EnumerateObject().Select(p => p.Name)));

        var grooming = results[0];
        Assert.True(grooming.GetProperty("flagged").GetBoolean());
        Assert.Equal(5, grooming.GetProperty("first_alert_index").GetInt32());
        Assert.Equal(1.0, grooming.GetProperty("risk").GetDouble());
        Assert.Equal(1.0, grooming.GetProperty("harms").GetProperty("grooming").GetDouble());
        Assert.Equal(0.0, grooming.GetProperty("harms").GetProperty("sextortion").GetDouble());
        Assert.Equal(["coach_mike"], grooming.GetProperty("flagged_authors").EnumerateArray().Select(a => a.GetString()));
        var signals = grooming.GetProperty("signals").EnumerateArray().ToArray();
        Assert.Equal(["age_probe", "flattery", "secrecy", "off_platform"], signals.Select(s => s.GetProperty("signal").GetString()));
        Assert.Equal([2, 4, 5, 7], signals.Select(s => s.GetProperty("message_index").GetInt32()));
        Assert.All(signals, s =>
        {
            Assert.Equal(["signal", "harm", "author", "message_index", "probability"], s.EnumerateObject().Select(p => p.Name));
            Assert.Equal("grooming", s.GetProperty("harm").GetString());
            Assert.Equal("coach_mike", s.GetProperty("author").GetString());
            Assert.Equal(0.9, s.GetProperty("probability").GetDouble());
        });
        Assert.Empty(grooming.GetProperty("decisions").EnumerateArray());

        var benign = results[1];
        Assert.False(benign.GetProperty("flagged").GetBoolean());
        Assert.Equal(JsonValueKind.Null, benign.GetProperty("first_alert_index").ValueKind);
        Assert.Equal(0.0, benign.GetProperty("risk").GetDouble());
        Assert.Empty(benign.GetProperty("signals").EnumerateArray());

        var sextortion = results[2];
        Assert.True(sextortion.GetProperty("flagged").GetBoolean());
        Assert.Equal(3, sextortion.GetProperty("first_alert_index").GetInt32());
        Assert.Equal(1.0, sextortion.GetProperty("harms").GetProperty("sextortion").GetDouble());

        var summary = SummaryLine().Match(run.StderrLines[^1]);
        Assert.True(summary.Success, run.Stderr);
        Assert.Equal("4", summary.Groups[1].Value);
        Assert.Equal("22", summary.Groups[2].Value);
        Assert.Single(run.StderrLines);
    }

    [Fact]
    public async Task Score_Stdin_ReadsTheConversationsFromStandardInput()
    {
        var run = await new CliRunner().RunAsync(["score", "-"], Utf8(Good + "\n" + Good.Replace("\"ok\"", "\"ok2\"", StringComparison.Ordinal)));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["ok", "ok2"], run.Results.Select(r => r.GetProperty("id").GetString()));
        Assert.Matches(SummaryLine(), run.StderrLines[^1]);
    }

    [Fact]
    public async Task Score_MalformedLine_StopsWithFileAndLineAndNonZeroExit()
    {
        var path = await CliRunner.WriteTempAsync("broken.jsonl", Utf8(Good + "\n\n{\"id\": \"x\", \"messages\": [\n" + Good + "\n"));

        var run = await new CliRunner().RunAsync(["score", path]);

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.StdoutLines);
        var errorLine = Assert.Single(run.StderrLines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.StartsWith($"error: {path}:3: invalid JSON at byte", errorLine);
        Assert.Matches(SummaryLine(), run.StderrLines[^1]);
        Assert.Contains("scored 1 conversations", run.StderrLines[^1]);
    }

    [Theory]
    [InlineData("[1,2]", "expected a JSON object, found an array")]
    [InlineData("""{"messages":[]}""", "missing \"id\"")]
    [InlineData("""{"id":"x"}""", "missing \"messages\"")]
    [InlineData("""{"id":"x","messages":{}}""", "\"messages\" must be an array, found an object")]
    [InlineData("""{"id":"x","messages":[{"author":{"n":1},"text":"hi"}]}""", "messages[0].author must be a string or a number, found an object")]
    [InlineData("""{"id":"x","messages":[{"author":"a","text":"hi"},{"author":"b","text":42}]}""", "messages[1].text must be a string or null, found a number")]
    [InlineData("""{"id":true,"messages":[]}""", "\"id\" must be a non-empty string or a number, found a boolean")]
    [InlineData("{\"id\":\"x\",\"messages\":[{\"author\":\"a\",\"text\":\"raw\u0001control\"}]}", "invalid JSON at byte")]
    [InlineData("""{"id":"x","messages":[{"author":"a","text":"\ud800"}]}""", "messages[0].text: lone surrogate escape")]
    public async Task Score_InvalidLine_ReasonNamesTheProblem(string line, string reason)
    {
        var run = await new CliRunner().RunAsync(["score", "-"], Utf8(Good + "\n" + line + "\n"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error: <stdin>:2: {reason}", run.Stderr);
    }

    [Fact]
    public async Task Score_MissingNullOrEmptyAuthor_IsScoredAsAnUnknownAuthor()
    {
        var line = """{"id":"anon","messages":[{"text":"hi"},{"author":null,"text":"yo"},{"author":"","text":"sup"}]}""";

        var run = await new CliRunner().RunAsync(["score", "-"], Utf8(line + "\n"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("anon", run.Results.Single().GetProperty("id").GetString());
        Assert.Contains("scored 1 conversations, 3 messages", run.StderrLines[^1]);
    }

    [Fact]
    public async Task Score_SkipInvalid_ReportsEachBadLineSkipsItAndCounts()
    {
        var content = new List<byte>();
        content.AddRange(Utf8(Good + "\n"));
        content.AddRange(Utf8("not json\n"));
        content.AddRange(Utf8("{\"id\":\"bad-utf8\",\"messages\":[{\"author\":\"a\",\"text\":\"caf"));
        content.AddRange(new byte[] { 0xC3, 0x28 });
        content.AddRange(Utf8("\"}]}\n"));
        content.AddRange(Utf8("""{"id":"x","messages":[{"author":"a","text":["no"]}]}""" + "\n"));
        content.AddRange(Utf8(Good.Replace("\"ok\"", "\"last\"", StringComparison.Ordinal)));
        var path = await CliRunner.WriteTempAsync("mixed.jsonl", [.. content]);

        var run = await new CliRunner().RunAsync(["score", path, "--skip-invalid"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["ok", "last"], run.Results.Select(r => r.GetProperty("id").GetString()));
        Assert.StartsWith($"{path}:2: invalid JSON", run.StderrLines[0]);
        Assert.Equal($"{path}:3: invalid UTF-8 at byte 54 (skipped)", run.StderrLines[1]);
        Assert.StartsWith($"{path}:4: messages[0].text must be a string or null", run.StderrLines[2]);
        Assert.Equal("skipped 3 invalid lines", run.StderrLines[3]);
        Assert.Matches(SummaryLine(), run.StderrLines[4]);
        Assert.Equal(5, run.StderrLines.Length);
    }

    [Fact]
    public async Task Score_InvalidUtf8WithoutSkip_StopsNamingTheLine()
    {
        var bytes = Utf8(Good + "\n").Concat(new byte[] { 0xFF, 0xFE }).Concat(Utf8("\n")).ToArray();

        var run = await new CliRunner().RunAsync(["score", "-"], bytes);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: <stdin>:2: invalid UTF-8 at byte 0", run.Stderr);
    }

    [Fact]
    public async Task Score_OneMegabyteMessage_IsScoredTruncatedWithoutError()
    {
        var huge = "[secrecy] " + new string('a', 1024 * 1024);
        var line = JsonSerializer.Serialize(new { id = "big", messages = new[] { new { author = "a", text = huge } } });
        var runner = new CliRunner();

        var run = await runner.RunAsync(["score", "-"], Utf8(line));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(65_536, runner.Scorer.LongestText);
        Assert.Equal("secrecy", Assert.Single(run.Results[0].GetProperty("signals").EnumerateArray()).GetProperty("signal").GetString());
    }

    [Fact]
    public async Task Score_EmptyAndNullText_AreRecordedAndNotSentToTheScorer()
    {
        var runner = new CliRunner();
        var line = """{"id":"quiet","messages":[{"author":"a","text":""},{"author":"b","text":null},{"author":"a"}]}""";

        var run = await runner.RunAsync(["score", "-"], Utf8(line));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("3 messages", run.StderrLines[^1]);
        Assert.Equal(0, runner.Scorer.BatchCalls);
        Assert.False(run.Results[0].GetProperty("flagged").GetBoolean());
    }

    [Fact]
    public async Task Score_ControlAndZeroWidthCharacters_ArePassedToTheScorerUnchanged()
    {
        var runner = new CliRunner();
        var line = """{"id":"odd","messages":[{"author":"a","text":"nul\u0000 bell\u0007 zw\u200bj\u200d rtl\u202e end"}]}""";

        var run = await runner.RunAsync(["score", "-"], Utf8(line));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("nul\0 bell\a zw\u200bj\u200d rtl\u202e end", runner.Scorer.SeenTexts);
    }

    [Fact]
    public async Task Score_ManyConversations_KeepsInputOrder()
    {
        var lines = Enumerable.Range(0, 60).Select(i =>
            JsonSerializer.Serialize(new { id = $"c{i}", messages = Enumerable.Range(0, i % 7 + 1).Select(m => new { author = $"u{m % 2}", text = m == 3 ? "[secrecy]" : "hi" }) }));

        var run = await new CliRunner().RunAsync(["score", "-"], Utf8(string.Join("\n", lines)));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"c{i}"), run.Results.Select(r => r.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Score_SameIdOnTwoLines_ScoresThemAsSeparateConversations()
    {
        var line = """{"id":"twin","messages":[{"author":"a","text":"[age_probe]"},{"author":"a","text":"[flattery]"}]}""";
        var run = await new CliRunner().RunAsync(["score", "-"], Utf8($"{line}\n{line}\n"));

        Assert.Equal(2, run.Results.Length);
        Assert.All(run.Results, r => Assert.Equal(0.5, r.GetProperty("harms").GetProperty("grooming").GetDouble()));
    }

    [Fact]
    public async Task Score_WithPolicy_WritesKebabCaseDecisionsOncePerRuleAndSeesCrossConversationCounters()
    {
        var policy = new FanOutPolicy();
        var runner = new CliRunner { Policy = policy };
        var lines = Enumerable.Range(0, 3).Select(i =>
            $$"""{"id":"dm-{{i}}","participants":[{"id":"adult","age":40},{"id":"kid-{{i}}","age":11}],"messages":[{"author":"adult","text":"hi"},{"author":"adult","text":"[gifts] free robux"},{"author":"adult","text":"[gifts] more"}]}""");

        var run = await runner.RunAsync(["score", "-", "--policy", "strict"], Utf8(string.Join("\n", lines)));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("strict", runner.LoadedPolicy);
        Assert.Equal([1, 2, 3], policy.DistinctMinorsSeen.Distinct().Order());
        var decisions = run.Results[2].GetProperty("decisions").EnumerateArray().ToArray();
        Assert.Equal(2, decisions.Length);
        Assert.Equal("""{"rule":"fan-out","action":"escalate","message_index":0,"severity":"high","shadow":true}""", decisions[0].GetRawText());
        Assert.Equal("""{"rule":"gift-to-minor","action":"warn-recipient","message_index":1}""", decisions[1].GetRawText());
        Assert.Single(run.Results[0].GetProperty("decisions").EnumerateArray());
    }

    [Fact]
    public async Task Score_RoomAndAgesAreRead_MinorsFromParticipantsAndDefaultRoomKinds()
    {
        var policy = new FanOutPolicy();
        var runner = new CliRunner { Policy = policy };
        var lines = new[]
        {
            """{"id":"a","participants":[{"id":"x","age":30},{"id":"y","age":"15"}],"messages":[{"author":"x","text":"hi"}]}""",
            """{"id":"b","messages":[{"author":"x","text":"hi"},{"author":"y","text":"hi"},{"author":"z","text":"hi"}]}""",
            """{"id":"c","room":{"id":"r","kind":"PRIVATE"},"messages":[{"author":"x","text":"hi"}]}""",
            """{"id":"d","room":"nps-20s","messages":[{"author":"x","time":"-8","text":"hi"},{"author":"y","time":"10:00","text":"hi"}]}""",
        };

        var run = await runner.RunAsync(["score", "-"], Utf8(string.Join("\n", lines)));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            ["a:Direct:Adult>Teen", "b:Group:Unknown>Unknown,Unknown", "b:Group:Unknown>Unknown,Unknown", "b:Group:Unknown>Unknown,Unknown", "c:Private:Unknown>", "d:Direct:Unknown>Unknown", "d:Direct:Unknown>Unknown"],
            policy.Rooms);
    }

    [Fact]
    public async Task Score_ExtraFieldsEverywhere_AreIgnored()
    {
        var line = """{"id":"x","label":"grooming","source":"s","signals":["a"],"predator_authors":["a"],"alert_by":3,"scenario":{"deep":[1,2]},"messages":[{"author":"a","text":"hi","signals":["secrecy"],"intent":"O","dialog_act":"Greet"}]}""";

        var run = await new CliRunner().RunAsync(["score", "-"], Utf8(line));

        Assert.Equal(0, run.ExitCode);
        Assert.False(run.Results[0].GetProperty("flagged").GetBoolean());
    }

    [Fact]
    public async Task Score_EmptyInput_ScoresNothingAndSucceeds()
    {
        var run = await new CliRunner().RunAsync(["score", "-"], Utf8("\n  \n"));

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Equal("scored 0 conversations, 0 messages in", run.StderrLines[^1][..37]);
    }

    private sealed class FanOutPolicy : IMessagePolicy
    {
        public List<int> DistinctMinorsSeen { get; } = [];

        public List<string> Rooms { get; } = [];

        public string Version => "fan-out-test";

        public ValueTask<IReadOnlyList<Decision>> EvaluateMessageAsync(MessageContext context, CancellationToken cancellationToken = default)
        {
            lock (Rooms)
            {
                DistinctMinorsSeen.Add(context.SenderCounters.DistinctMinorsContacted24h);
                Rooms.Add($"{RoomName(context)}:{context.Room.Kind}:{context.Sender.AgeBand}>{string.Join(",", context.Recipients.Select(r => r.AgeBand))}");
            }

            var decisions = new List<Decision>();
            if (context.MessageSignals.Contains("gifts") && context.Recipients.Any(r => r.IsMinor))
            {
                decisions.Add(new Decision("gift-to-minor", PolicyAction.WarnRecipient));
            }

            if (context.SenderCounters.DistinctMinorsContacted24h >= 3)
            {
                decisions.Add(new Decision("fan-out", PolicyAction.Escalate) { Severity = Severity.High, Shadow = true });
            }

            return new ValueTask<IReadOnlyList<Decision>>(decisions);
        }

        public ValueTask<IReadOnlyList<Decision>> EvaluateJoinAsync(JoinContext context, CancellationToken cancellationToken = default) =>
            new([]);

        private static string RoomName(MessageContext context) =>
            ((char)('a' + int.Parse(context.Room.Id["line-".Length..], System.Globalization.CultureInfo.InvariantCulture) - 1)).ToString();
    }
}
