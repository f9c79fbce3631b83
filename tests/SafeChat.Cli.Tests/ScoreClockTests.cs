using System.Text;
using SafeChat.Policies;

namespace SafeChat.Cli.Tests;

/// <summary><c>safechat score</c> replays message times as the engine's clock (and <c>--clock wall</c> does not).</summary>
public class ScoreClockTests
{
    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Score_SlowBurnFixture_AlertsAfterSessionsDaysApartAndForgetsPastTheDormancy()
    {
        var run = await new CliRunner().RunAsync(["score", CliRunner.Fixture2("slow-burn.jsonl")]);

        Assert.Equal(0, run.ExitCode);
        var slowBurn = run.Results[0];
        Assert.True(slowBurn.GetProperty("flagged").GetBoolean());
        Assert.Equal(7, slowBurn.GetProperty("first_alert_index").GetInt32());

        // Two months between moves: past the 30-day dormancy each time, so nothing adds up.
        var abandoned = run.Results[1];
        Assert.False(abandoned.GetProperty("flagged").GetBoolean());
        Assert.Equal(0.25, abandoned.GetProperty("harms").GetProperty("grooming").GetDouble());
    }

    [Fact]
    public async Task Score_WallClock_NothingIdlesOutWithinARun()
    {
        var run = await new CliRunner().RunAsync(["score", CliRunner.Fixture2("slow-burn.jsonl"), "--clock", "wall"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(7, run.Results[0].GetProperty("first_alert_index").GetInt32());
        Assert.True(run.Results[1].GetProperty("flagged").GetBoolean());
    }

    [Fact]
    public async Task Score_MessageTimes_PerUserCountersRollOverByMessageTime()
    {
        var lines = string.Join("\n", new[] { "2009-01-01T10:00:00Z", "2009-01-01T12:00:00Z", "2009-01-02T11:00:00Z", "2009-01-04T10:00:00Z" }
            .Select((time, i) => $$"""{"id":"dm-{{i}}","participants":[{"id":"adult","age":40},{"id":"kid-{{i}}","age":11}],"messages":[{"author":"adult","time":"{{time}}","text":"hi"}]}"""));

        var replayed = new CounterPolicy();
        var wall = new CounterPolicy();
        var replayedRun = await new CliRunner { Policy = replayed }.RunAsync(["score", "-", "--policy", "p"], Utf8(lines));
        var wallRun = await new CliRunner { Policy = wall }.RunAsync(["score", "-", "--policy", "p", "--clock", "wall"], Utf8(lines));

        Assert.Equal(0, replayedRun.ExitCode);
        Assert.Equal(0, wallRun.ExitCode);
        Assert.Equal([1, 2, 2, 1], replayed.DistinctMinors);
        Assert.Equal([1, 2, 3, 4], wall.DistinctMinors);
    }

    [Fact]
    public async Task Score_TimeGoingBack_StopsNamingFileLineAndField()
    {
        var path = await CliRunner.WriteTempAsync("backwards.jsonl", Utf8(
            """{"id":"ok","messages":[{"author":"a","time":"2009-01-01T10:00:00Z","text":"hi"}]}""" + "\n" +
            """{"id":"back","messages":[{"author":"a","time":"2009-01-01T10:00:00Z","text":"hi"},{"author":"b","time":"2009-01-01T09:00:00Z","text":"hi"}]}""" + "\n"));

        var run = await new CliRunner().RunAsync(["score", path]);

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.StdoutLines);
        var error = Assert.Single(run.StderrLines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Equal($"error: {path}:2: messages[1].time: earlier than the message before it (times must not go back) (or score with --clock wall)", error);
    }

    [Fact]
    public async Task Score_UnreadableTime_IsInvalidWithMessageTimesAndAcceptedOnTheWallClock()
    {
        var line = """{"id":"odd","messages":[{"author":"a","time":"2009-01-01T10:00:00Z","text":"hi"},{"author":"b","time":"yesterday evening","text":"hi"}]}""";

        var replayed = await new CliRunner().RunAsync(["score", "-", "--skip-invalid"], Utf8(line));
        var wall = await new CliRunner().RunAsync(["score", "-", "--clock", "wall"], Utf8(line));

        Assert.Equal(0, replayed.ExitCode);
        Assert.Empty(replayed.StdoutLines);
        Assert.Contains(replayed.StderrLines, l => l == "<stdin>:1: messages[1].time: not a time (expected ISO-8601, seconds since the epoch, or HH:MM[:SS]) (or score with --clock wall) (skipped)");
        Assert.DoesNotContain("yesterday", replayed.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, wall.ExitCode);
        Assert.Single(wall.StdoutLines);
    }

    [Fact]
    public async Task Score_MissingTimes_CountAsOneSecondAfterThePreviousMessage()
    {
        var line = """{"id":"no-times","messages":[{"author":"a","text":"[age_probe]"},{"author":"a","time":null,"text":"[secrecy]"},{"author":"a","time":"","text":"[meeting]"}]}""";

        var run = await new CliRunner().RunAsync(["score", "-"], Utf8(line));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(2, run.Results[0].GetProperty("first_alert_index").GetInt32());
    }

    [Fact]
    public async Task Score_UnknownClock_IsRefused()
    {
        var run = await new CliRunner().RunAsync(["score", "-", "--clock", "lunar"], Utf8(""));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("lunar", run.Stderr, StringComparison.Ordinal);
    }

    private sealed class CounterPolicy : IMessagePolicy
    {
        public List<int> DistinctMinors { get; } = [];

        public string Version => "counter-test";

        public ValueTask<IReadOnlyList<Decision>> EvaluateMessageAsync(MessageContext context, CancellationToken cancellationToken = default)
        {
            lock (DistinctMinors)
            {
                DistinctMinors.Add(context.SenderCounters.DistinctMinorsContacted24h);
            }

            return new ValueTask<IReadOnlyList<Decision>>([]);
        }

        public ValueTask<IReadOnlyList<Decision>> EvaluateJoinAsync(JoinContext context, CancellationToken cancellationToken = default) =>
            new([]);
    }
}
