using System.Text;
using SafeChat.Engine;

namespace SafeChat.Cli.Tests;

/// <summary>Runs alone, so the process-wide allocation counter sees only this test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "allocation measurements";
}

/// <summary>Issue 10: the score path costs linear memory in the number of participants and speakers (not timed).</summary>
[Collection(AllocationCollection.Name)]
public sealed class LinearCostTests
{
    [Fact]
    public async Task Score_ManySpeakersWhoEachSpeakOnce_AllocatesLinearlyInTheSpeakers()
    {
        await AllocatedBytesAsync(200); // JIT and first-use allocations out of the way

        var small = await AllocatedBytesAsync(1_000);
        var large = await AllocatedBytesAsync(4_000);

        // 4x the speakers: linear growth is about 4x; one recipients copy per speaker (the old path) was about 12x.
        var ratio = (double)large / small;
        Assert.True(ratio < 6, $"1,000 speakers: {small:N0} bytes, 4,000 speakers: {large:N0} bytes, ratio {ratio:0.0}");
    }

    private static async Task<long> AllocatedBytesAsync(int speakers)
    {
        var line = new StringBuilder("{\"id\":\"crowd\",\"messages\":[");
        for (var i = 0; i < speakers; i++)
        {
            line.Append(i == 0 ? "" : ",").Append("{\"author\":\"user-").Append(i).Append("\",\"text\":\"hi\"}");
        }

        var input = Encoding.UTF8.GetBytes(line.Append("]}\n").ToString());
        var scorer = new Testing.MarkerScorer();
        using var output = new MemoryStream();
        using var error = new StringWriter();
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var exit = await ScoreCommand.RunAsync(
            new ScoreSettings("<stdin>", SkipInvalid: false), scorer, policy: null, new MemoryStream(input), output, error,
            TimeProvider.System, CancellationToken.None, new SafeChatEngineOptions());
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(0, exit);
        Assert.Contains($"scored 1 conversations, {speakers} messages", error.ToString());
        return allocated;
    }
}
