using Microsoft.Extensions.Time.Testing;
using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Inference;
using SafeChat.Policies;

namespace SafeChat.Cli.Tests;

/// <summary>The shipped ONNX models, the engine, the default policy and the CLI together: no test doubles.</summary>
public sealed class EndToEndTests : IClassFixture<EndToEndTests.ShippedScorer>
{
    private static readonly string[] ContractFields =
        ["id", "flagged", "risk", "harms", "first_alert_index", "flagged_authors", "room", "signals", "decisions", "language"];

    private readonly ShippedScorer _shipped;

    public EndToEndTests(ShippedScorer shipped) => _shipped = shipped;

    [Fact]
    public async Task Score_DemoFileWithEmbeddedModels_HonoursTheContractAndFlagsOnlyTheRiskyConversations()
    {
        var app = new CliApplication(DefaultScorer.Create, DefaultPolicy.Load, TimeProvider.System);
        using var output = new MemoryStream();
        using var error = new StringWriter();
        var demo = Path.Combine(AppContext.BaseDirectory, "samples", "demo.jsonl");

        var exit = await app.RunAsync(["score", demo], new MemoryStream(), output, error, CancellationToken.None);

        Assert.Equal(0, exit);
        var results = new CliRun(exit, System.Text.Encoding.UTF8.GetString(output.ToArray()), error.ToString()).Results;
        Assert.Equal(File.ReadAllLines(demo).Count(l => l.Trim().Length > 0), results.Length);
        Assert.Matches(@"^scored \d+ conversations, \d+ messages in [0-9.]+ s \([0-9.]+ messages/s\)$", error.ToString().Trim().Split('\n')[^1]);
        foreach (var result in results)
        {
            Assert.Equal(ContractFields, result.EnumerateObject().Select(p => p.Name).ToArray());
            var id = result.GetProperty("id").GetString()!;
            var flagged = result.GetProperty("flagged").GetBoolean();
            var risky = !id.Contains("benign", StringComparison.Ordinal);
            Assert.True(risky == flagged, $"{id}: flagged={flagged}");
            Assert.Equal(flagged, result.GetProperty("first_alert_index").ValueKind == System.Text.Json.JsonValueKind.Number);
            var risk = result.GetProperty("risk").GetDouble();
            Assert.InRange(risk, 0, 1);
            if (flagged)
            {
                Assert.NotEmpty(result.GetProperty("flagged_authors").EnumerateArray());
                Assert.NotEmpty(result.GetProperty("signals").EnumerateArray());
            }
        }
    }

    [Fact]
    public async Task Engine_GroomingConversationWithDefaultPolicy_EscalatesExactlyOnce()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 18, 0, 0, TimeSpan.Zero));
        var engine = new SafeChatEngine(
            _shipped.Scorer,
            policy: PolicyEngine.CreateDefault(timeProvider: time),
            timeProvider: time);
        var adult = new Participant("u-adult", AgeBand.Adult, AgeAssurance.Estimated);
        var child = new Participant("u-child", AgeBand.Teen, AgeAssurance.Verified);
        var room = new Room("room-e2e-1", RoomKind.Group);
        (Participant From, string Text)[] lines =
        [
            (adult, "yo nice build on that tower"),
            (child, "thx took me forever"),
            (adult, "how old r u btw"),
            (child, "13"),
            (adult, "no way u seem way older, ur really mature for ur age"),
            (child, "lol thanks"),
            (adult, "do ur parents check ur phone?"),
            (child, "not really"),
            (adult, "cool. dont tell them we talk ok, this is just between us"),
            (child, "ok"),
            (adult, "add me on snap its easier there"),
            (adult, "i can send u robux if u want"),
            (child, "fr?"),
            (adult, "ya but its our secret"),
        ];

        var escalations = 0;
        var index = 0;
        foreach (var (from, text) in lines)
        {
            var to = from == adult ? child : adult;
            var evaluation = await engine.ProcessAsync(new MessageEnvelope(
                new ChatMessage($"m{index++}", room.Id, from.Id, text, time.GetUtcNow()), room, from, [to]));
            escalations += evaluation.Decisions.Count(d => d.Action == PolicyAction.Escalate && !d.Shadow);
            time.Advance(TimeSpan.FromSeconds(40));
        }

        Assert.Equal(1, escalations);
    }

    [Fact]
    public async Task Engine_ParentAskingIfHomeAlone_RaisesNoAlertAndNoEscalation()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 15, 0, 0, TimeSpan.Zero));
        var engine = new SafeChatEngine(_shipped.Scorer, policy: PolicyEngine.CreateDefault(timeProvider: time), timeProvider: time);
        var mom = new Participant("u-mom", AgeBand.Adult, AgeAssurance.Verified);
        var kid = new Participant("u-kid", AgeBand.Child, AgeAssurance.Verified);
        var room = new Room("room-family", RoomKind.Group);
        (Participant From, string Text)[] lines =
        [
            (mom, "hey sweetie are you home alone?"),
            (kid, "ya dad isnt back yet"),
            (mom, "ok lock the door and dont open it for anyone"),
            (kid, "ok"),
            (mom, "theres pasta in the fridge, microwave it 2 min"),
            (kid, "can i play fortnite after"),
            (mom, "after homework. send me a pic of your math sheet when done"),
            (kid, "ugh fine"),
            (mom, "love you, home by 6"),
        ];

        var index = 0;
        foreach (var (from, text) in lines)
        {
            var to = from == mom ? kid : mom;
            var evaluation = await engine.ProcessAsync(new MessageEnvelope(
                new ChatMessage($"f{index++}", room.Id, from.Id, text, time.GetUtcNow()), room, from, [to]));
            Assert.Null(evaluation.FirstAlertIndex);
            Assert.DoesNotContain(evaluation.Decisions, d => d.Action == PolicyAction.Escalate);
            time.Advance(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task Score_StrictMinorsGroomerDeclaredFourteen_SameDecisionsAsDeclaredAdultOrUnknown()
    {
        // tests/fixtures/age-claims.jsonl: one 12-message grooming DM to a 12-year-old, with the sender declared 35,
        // 14 (self_declared), 14 (no assurance) and no age. A typed-in "14" must not switch any protection off.
        var app = new CliApplication(DefaultScorer.Create, DefaultPolicy.Load, TimeProvider.System);
        using var output = new MemoryStream();
        using var error = new StringWriter();

        var exit = await app.RunAsync(
            ["score", CliRunner.Fixture("age-claims.jsonl"), "--policy", "strict-minors"], new MemoryStream(), output, error, CancellationToken.None);

        Assert.Equal(0, exit);
        var results = new CliRun(exit, System.Text.Encoding.UTF8.GetString(output.ToArray()), error.ToString()).Results
            .ToDictionary(r => r.GetProperty("id").GetString()!);
        string Verdict(string id)
        {
            var result = results[id];
            var decisions = result.GetProperty("decisions").EnumerateArray()
                .Select(d => $"{d.GetProperty("rule").GetString()}:{d.GetProperty("action").GetString()}@{d.GetProperty("message_index").GetInt32()}");
            return $"flagged={result.GetProperty("flagged").GetBoolean()} first={result.GetProperty("first_alert_index")} {string.Join(" ", decisions)}";
        }

        var adult = Verdict("declared-35");
        Assert.Contains("dm-non-connected-adult-to-minor:block@0", adult, StringComparison.Ordinal);
        Assert.Contains("grooming-escalate:escalate@", adult, StringComparison.Ordinal);
        Assert.Contains("held-sender-to-minor:hold@", adult, StringComparison.Ordinal);
        Assert.Contains("held-sender-to-minor:warn-recipient@", adult, StringComparison.Ordinal);
        Assert.Equal(adult, Verdict("declared-14-self"));
        Assert.Equal(adult, Verdict("declared-14-no-assurance"));
        Assert.Equal(adult, Verdict("age-unknown"));
    }

    /// <summary>One load of the embedded models for the whole class (session creation is the slow part).</summary>
    public sealed class ShippedScorer : IDisposable
    {
        public OnnxSafetyScorer Scorer { get; } = OnnxSafetyScorer.LoadDefault();

        public void Dispose() => Scorer.Dispose();
    }
}
