using System.Text.Json;
using SafeChat.Policies;

namespace SafeChat.Cli.Tests;

/// <summary>
/// The new harms and the room-level risk through <c>safechat score</c> on tests/SafeChat.Cli.Tests/Fixtures/harms.jsonl:
/// the output contract with the marker scorer (plumbing) and the room assessment with the shipped models.
/// </summary>
public sealed class HarmsFixtureTests
{
    private static Dictionary<string, JsonElement> ById(IEnumerable<JsonElement> results) =>
        results.ToDictionary(r => r.GetProperty("id").GetString()!);

    private static string[] Rules(JsonElement result, string action) =>
        result.GetProperty("decisions").EnumerateArray()
            .Where(d => d.GetProperty("action").GetString() == action)
            .Select(d => d.GetProperty("rule").GetString()!)
            .ToArray();

    [Fact]
    public async Task Score_HarmsFixtureWithMarkers_ReportsEveryHarmAndEscalatesTrafficking()
    {
        var runner = new CliRunner { Policy = PolicyEngine.CreateDefault() };

        var run = await runner.RunAsync(["score", "--policy", "strict-minors", CliRunner.Fixture2("harms.jsonl")]);

        Assert.Equal(0, run.ExitCode);
        var results = ById(run.Results);
        Assert.All(results.Values, r => Assert.Equal(
            ["grooming", "sextortion", "trafficking", "livestream_coercion"],
            r.GetProperty("harms").EnumerateObject().Select(p => p.Name)));
        var trafficking = results["trafficking-markers"];
        Assert.Equal(0.75, trafficking.GetProperty("harms").GetProperty("trafficking").GetDouble());
        Assert.Equal(["recruiter"], trafficking.GetProperty("flagged_authors").EnumerateArray().Select(a => a.GetString()));
        Assert.All(trafficking.GetProperty("signals").EnumerateArray(), s => Assert.Equal("trafficking", s.GetProperty("harm").GetString()));
        Assert.Equal(["trafficking-escalate"], Rules(trafficking, "escalate"));
        Assert.Equal(["trafficking-escalate"], Rules(trafficking, "hold-sender"));
        // The marker scorer has no room level: the field is there and null.
        Assert.Equal(JsonValueKind.Null, results["stream-three-viewers"].GetProperty("room").ValueKind);
    }

    [Fact]
    public async Task Score_LivestreamRoomWithShippedModels_PoolsTheViewersAroundTheMinorHost()
    {
        var app = new CliApplication(DefaultScorer.Create, DefaultPolicy.Load, TimeProvider.System) { ShowProgress = false };
        using var output = new MemoryStream();
        using var error = new StringWriter();

        var exit = await app.RunAsync(["score", "--policy", "strict-minors", CliRunner.Fixture2("harms.jsonl")], new MemoryStream(), output, error, CancellationToken.None);

        Assert.True(exit == 0, error.ToString());
        var results = ById(new CliRun(exit, System.Text.Encoding.UTF8.GetString(output.ToArray()), error.ToString()).Results);
        var stream = results["stream-three-viewers"];
        var room = stream.GetProperty("room");
        Assert.Equal("lily.streams", room.GetProperty("target").GetString());
        Assert.Equal(["livestream_coercion", "grooming"], room.GetProperty("harms").EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain("lily.streams", room.GetProperty("contributing_authors").EnumerateArray().Select(a => a.GetString()));
        Assert.DoesNotContain("lily.streams", stream.GetProperty("flagged_authors").EnumerateArray().Select(a => a.GetString()));

        // The same camera command from one viewer in an unrelated public room: nobody is pooled, nothing escalates.
        var publicRoom = results["public-one-viewer"];
        Assert.Equal(JsonValueKind.Null, publicRoom.GetProperty("room").ValueKind);
        Assert.False(publicRoom.GetProperty("flagged").GetBoolean());
        Assert.Empty(Rules(publicRoom, "escalate"));
    }
}
