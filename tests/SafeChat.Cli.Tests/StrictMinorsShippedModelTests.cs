using System.Text.Json;

namespace SafeChat.Cli.Tests;

/// <summary>
/// <c>safechat score --policy strict-minors</c> with the shipped ONNX models on the relationship fixture and the hand-written
/// look-alike set (tests/SafeChat.Cli.Tests/Fixtures): the figures docs/policies.md reports.
/// </summary>
public sealed class StrictMinorsShippedModelTests
{
    private static async Task<JsonElement[]> ScoreAsync(string fixture)
    {
        var app = new CliApplication(DefaultScorer.Create, DefaultPolicy.Load, TimeProvider.System) { ShowProgress = false };
        using var output = new MemoryStream();
        using var error = new StringWriter();

        var exit = await app.RunAsync(["score", "--policy", "strict-minors", CliRunner.Fixture2(fixture)], new MemoryStream(), output, error, CancellationToken.None);

        Assert.True(exit == 0, error.ToString());
        return new CliRun(exit, System.Text.Encoding.UTF8.GetString(output.ToArray()), error.ToString()).Results;
    }

    private static string[] Actions(JsonElement result, string action) =>
        result.GetProperty("decisions").EnumerateArray()
            .Where(d => d.GetProperty("action").GetString() == action)
            .Select(d => d.GetProperty("rule").GetString()!)
            .ToArray();

    [Fact]
    public async Task Score_RelationshipsFixture_GuardianAndFamilyDmsNotBlockedAndGroomingEscalatesOnce()
    {
        var results = (await ScoreAsync("relationships.jsonl")).ToDictionary(r => r.GetProperty("id").GetString()!);

        Assert.Empty(results["guardian-dm"].GetProperty("decisions").EnumerateArray());
        Assert.Empty(results["grandparent-dm"].GetProperty("decisions").EnumerateArray());
        Assert.Equal(["dm-non-connected-adult-to-minor"], Actions(results["stranger-dm"], "block"));
        var grooming = results["grooming-public"];
        Assert.Equal(["grooming-escalate"], Actions(grooming, "escalate"));
        Assert.Equal(["held-sender-to-minor"], Actions(grooming, "hold"));
        // A declared friendship lets the DM through, but is no pass for grooming risk: escalated and held all the same.
        var friend = results["declared-friend-grooming-dm"];
        Assert.Empty(Actions(friend, "block"));
        Assert.Equal(["grooming-escalate"], Actions(friend, "escalate"));
        Assert.Equal(["held-sender-to-minor"], Actions(friend, "hold"));
    }

    [Fact]
    public async Task Score_LookAlikeFixture_EscalatesNoMoreThanTheDocumentedFigure()
    {
        var results = await ScoreAsync("lookalikes.jsonl");

        var escalated = results.Where(r => Actions(r, "escalate").Length > 0).Select(r => r.GetProperty("id").GetString()).ToArray();
        var blocked = results.Where(r => Actions(r, "block").Length > 0).Select(r => r.GetProperty("id").GetString()).ToArray();

        Assert.Equal(64, results.Length);
        // docs/policies.md: 1 of 64 (1.6%) with the shipped models (a sibling's money joke firing two sextortion
        // signals); the target is at most 2%, so one is the most this set may escalate.
        Assert.True(escalated.Length <= 1, "escalated: " + string.Join(", ", escalated));
        Assert.Empty(blocked);
    }
}
