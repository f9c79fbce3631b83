using SafeChat.Conversations;
using SafeChat.Scoring;
using SafeChat.State;

namespace SafeChat.Core.Tests.State;

/// <summary>
/// A removed conversation's state is emptied and reused by the store for a later new conversation: nothing of the old
/// conversation (window entries, message ids, authors, alert latch, ring size) may show in the new one.
/// </summary>
public class RecycledConversationStateTests
{
    private static WindowAppend Entry(string id, string author, float probability) =>
        new(id, author, AgeBand.Adult, new MessageSignals([probability, 1f - probability], [probability, 0f, 0.5f]));

    // What a caller sees of an append, compared by value (the signals as numbers, not as objects).
    private static string Describe(WindowAppendResult result) =>
        $"{result.MessageIndex} {result.IsDuplicate} {result.FirstAlertIndex} [" + string.Join(
            "; ",
            result.Window.Select(m => $"{m.Index} {m.AuthorId} {m.AuthorAge} {string.Join(",", m.Signals.Probabilities.ToArray())} {string.Join(",", m.Signals.HarmProbabilities.ToArray())}")) + "]";

    private static async Task<List<string>> Run(InMemoryConversationStateStore store, string room, ConversationWindowLimits limits, int count, string authorPrefix)
    {
        var seen = new List<string>();
        for (var i = 0; i < count; i++)
        {
            // Ids m0, m1, ... in every conversation, and one repeated id: a duplicate only within the conversation.
            var id = i == count - 1 ? "m1" : $"m{i}";
            seen.Add(Describe(await store.AppendAsync(room, Entry(id, $"{authorPrefix}{i % 3}", (i * 37 % 100) / 100f), limits)));
        }

        return seen;
    }

    [Fact]
    public async Task RemoveAsync_NextConversationReusesState_SeesExactlyWhatAFreshStoreShows()
    {
        var wide = new ConversationWindowLimits(8, 4, 0.3f, 16, TimeSpan.FromHours(2));
        var narrow = new ConversationWindowLimits(3, 2, 0.3f, 4, TimeSpan.FromHours(2));
        var store = new InMemoryConversationStateStore();
        // Many conversations with full windows, salient entries, an alert and more authors than the table's first size, all
        // removed: the store keeps their states.
        for (var c = 0; c < 300; c++)
        {
            await Run(store, $"old-{c}", wide, 30, "old-author-");
            await store.TrySetAlertAsync($"old-{c}", 3);
        }

        for (var c = 0; c < 300; c++)
        {
            await store.RemoveAsync($"old-{c}");
        }

        for (var c = 0; c < 300; c++)
        {
            // Half with the same limits, half with a smaller window and history than the reused arrays were sized for.
            var limits = c % 2 == 0 ? wide : narrow;
            var reused = await Run(store, $"new-{c}", limits, 12, "new-author-");
            var fresh = await Run(new InMemoryConversationStateStore(), $"new-{c}", limits, 12, "new-author-");
            Assert.Equal(fresh, reused);
        }
    }

    [Fact]
    public async Task RemoveAsync_ConversationLeavesActiveRing_RingDoesNotTouchItsNewOwner()
    {
        var limits = new ConversationWindowLimits(4, 2, 0.3f, 8, TimeSpan.FromHours(2));
        var store = new InMemoryConversationStateStore();
        await Run(store, "first", limits, 6, "a");
        await store.RemoveAsync("first");

        // The reused state belongs to "second" now; then more conversations than the store keeps active push the ring
        // round, which must not drop anything from "second" while it is in use (its windows stay what a fresh store gives).
        var second = new List<string>();
        var fresh = new InMemoryConversationStateStore();
        var expected = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            second.Add(Describe(await store.AppendAsync("second", Entry($"s{i}", "b", i / 10f), limits)));
            expected.Add(Describe(await fresh.AppendAsync("second", Entry($"s{i}", "b", i / 10f), limits)));
            for (var other = 0; other < InMemoryConversationStateStore.ActiveConversations + 8; other++)
            {
                await store.AppendAsync($"other-{i}-{other}", Entry("x", "c", 0.2f), limits);
            }
        }

        Assert.Equal(expected, second);
    }
}
