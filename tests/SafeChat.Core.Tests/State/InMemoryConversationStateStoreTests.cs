using SafeChat.Conversations;
using SafeChat.Scoring;
using SafeChat.State;

namespace SafeChat.Core.Tests.State;

public class InMemoryConversationStateStoreTests
{
    private static readonly ConversationWindowLimits Limits = new(3, 2, 0.3f, 4, TimeSpan.FromHours(2));

    private static WindowAppend Entry(string id, float probability = 0f) =>
        new(id, "author", AgeBand.Adult, new MessageSignals([probability], [0f, 0f]));

    [Fact]
    public async Task TrySetAlertAsync_ManyRacingCallers_ExactlyOneIsFirst()
    {
        var store = new InMemoryConversationStateStore();
        for (var i = 0; i < 64; i++)
        {
            await store.AppendAsync("room", Entry($"m{i}"), Limits);
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(async () => await store.TrySetAlertAsync("room", i))));

        var winner = Assert.Single(claims, c => c.IsFirst);
        Assert.All(claims, c => Assert.Equal(winner.FirstAlertIndex, c.FirstAlertIndex));
        Assert.Equal(winner.FirstAlertIndex, (await store.AppendAsync("room", Entry("late"), Limits)).FirstAlertIndex);
    }

    [Fact]
    public async Task AppendAsync_DuplicateOlderThanHistory_IsAcceptedAsNew()
    {
        var store = new InMemoryConversationStateStore();
        for (var i = 0; i < 6; i++)
        {
            await store.AppendAsync("room", Entry($"m{i}"), Limits);
        }

        var recent = await store.AppendAsync("room", Entry("m5"), Limits);
        var forgotten = await store.AppendAsync("room", Entry("m0"), Limits);

        Assert.True(recent.IsDuplicate);
        Assert.Equal(5, recent.MessageIndex);
        Assert.False(forgotten.IsDuplicate);
        Assert.Equal(6, forgotten.MessageIndex);
    }

    [Fact]
    public async Task AppendAsync_WindowEntries_CarryNoTextOnlyIndexAuthorAgeAndSignals()
    {
        var store = new InMemoryConversationStateStore();

        var result = await store.AppendAsync("room", Entry("m0", 0.7f), Limits);

        var entry = Assert.Single(result.Window);
        Assert.Equal(new WindowMessage(0, "author", AgeBand.Adult, entry.Signals), entry);
        Assert.Equal(0.7f, entry.Signals.Probabilities[0], 1f / QuantizedWindowEntries.Scale); // kept as 16-bit fixed point
    }

    [Fact]
    public async Task AppendAsync_EmptyConversationId_ThrowsArgumentException()
    {
        var store = new InMemoryConversationStateStore();

        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync("", Entry("m0"), Limits).AsTask());
    }

    [Fact]
    public async Task AppendAsync_ActiveAndNoLongerActiveConversation_SameWindowValuesAsDecodedAnew()
    {
        var store = new InMemoryConversationStateStore();
        var limits = new ConversationWindowLimits(4, 2, 0.3f, 8, TimeSpan.FromHours(2));
        float[] probabilities = [0.1f, 0.9f, 0.2f, 0.8f, 0.3f, 0.7f, 0.4f];
        var windows = new List<IReadOnlyList<WindowMessage>>();
        for (var i = 0; i < probabilities.Length; i++)
        {
            windows.Add((await store.AppendAsync("room", Entry($"m{i}", probabilities[i]), limits)).Window);
            if (i == 3)
            {
                // More other conversations than the store keeps active: "room" goes back to its compact form alone.
                for (var other = 0; other < InMemoryConversationStateStore.ActiveConversations + 16; other++)
                {
                    await store.AppendAsync($"other-{other}", Entry("x"), limits);
                }
            }
        }

        // Each message keeps the same value in every later window (the salient ones beyond the window included),
        // whether it was reused while active or decoded again afterwards.
        var seen = new Dictionary<int, float>();
        foreach (var window in windows)
        {
            foreach (var message in window)
            {
                var value = message.Signals.Probabilities[0];
                Assert.Equal(seen.TryAdd(message.Index, value) ? value : seen[message.Index], value);
                Assert.Equal(probabilities[message.Index], value, 1f / QuantizedWindowEntries.Scale);
            }
        }

        Assert.Equal([1, 3, 4, 5, 6], windows[^1].Select(m => m.Index));
    }
}
