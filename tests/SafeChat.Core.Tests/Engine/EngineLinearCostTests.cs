using System.Collections;
using System.Globalization;
using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Policies;
using SafeChat.Testing;

namespace SafeChat.Core.Tests.Engine;

/// <summary>
/// One room where every participant (all minors) speaks once: the engine with the default policy must cost linear
/// memory in the number of speakers. Measured as allocated bytes, never as time.
/// </summary>
public sealed class EngineLinearCostTests
{
    [Fact]
    public async Task Process_FourTimesTheSpeakers_AllocatesAboutFourTimesAsMuch()
    {
        var small = await AllocatedForAsync(500);
        var large = await AllocatedForAsync(2_000);

        var ratio = (double)large / small;
        Assert.True(ratio < 6.0, $"4x the speakers allocated {ratio:0.0}x the bytes ({small:N0} -> {large:N0}); quadratic would be ~16x");
    }

    private static async Task<long> AllocatedForAsync(int speakers)
    {
        var roster = Enumerable.Range(0, speakers)
            .Select(i => new Participant("kid-" + i.ToString(CultureInfo.InvariantCulture), AgeBand.Child, AgeAssurance.Verified))
            .ToArray();
        // Per message the cost is bounded by MaxContactsPerUser (the most minors remembered per user); both sizes are
        // above a small cap, so the total must grow with the number of messages, not with messages x members.
        var options = new SafeChatEngineOptions { MaxContactsPerUser = 64 };
        var engine = new SafeChatEngine(new MarkerScorer(), options, new PolicyEngine(PolicyPresets.Load(PolicyPresets.Default)));
        var room = new Room("big-room", RoomKind.Group);
        var start = DateTimeOffset.UnixEpoch;

        // Warm up the code paths so JIT and first-use allocations do not count.
        await engine.ProcessAsync(Envelope(roster, 0, room, start, "warm-up"));
        await engine.EndConversationAsync(room.Id);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < speakers; i++)
        {
            var evaluation = engine.ProcessAsync(Envelope(roster, i, room, start.AddSeconds(i), i.ToString(CultureInfo.InvariantCulture)));
            if (!evaluation.IsCompletedSuccessfully)
            {
                await evaluation;
            }
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static MessageEnvelope Envelope(Participant[] roster, int sender, Room room, DateTimeOffset time, string id) =>
        new(new ChatMessage(id, room.Id, roster[sender].Id, "hi everyone", time), room, roster[sender], new Others(roster, sender));

    /// <summary>Everyone but the sender, without a copy (as a host with a large room would pass them).</summary>
    private sealed class Others(Participant[] roster, int excluded) : IReadOnlyList<Participant>
    {
        public int Count => roster.Length - 1;

        public Participant this[int index] => roster[index < excluded ? index : index + 1];

        public IEnumerator<Participant> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
