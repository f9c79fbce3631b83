using SafeChat.Conversations;
using SafeChat.Scoring;
using SafeChat.State;

namespace SafeChat.Core.Tests.State;

public class CompactWindowStoreTests
{
    private static MessageSignals Signals(Random random, int signals, int harms) =>
        new([.. Enumerable.Range(0, signals).Select(_ => random.NextSingle())], [.. Enumerable.Range(0, harms).Select(_ => random.NextSingle())]);

    [Theory]
    [InlineData(5, 6)]
    [InlineData(19, 8)]
    public async Task AppendAsync_FullWindow_KeepsAFewKilobytesAndTheSameMessagesWithinOneStep(int signals, int harms)
    {
        var store = new InMemoryConversationStateStore();
        var limits = new ConversationWindowLimits(50, 32, 0.3f, 128, TimeSpan.FromHours(2));
        var random = new Random(3);
        var sent = new List<(string Author, MessageSignals Signals)>();
        WindowAppendResult? last = null;
        for (var i = 0; i < 200; i++)
        {
            var author = $"user-{i % 3}";
            var s = Signals(random, signals, harms);
            sent.Add((author, s));
            last = await store.AppendAsync("room", new WindowAppend($"m{i}", author, AgeBand.Adult, s), limits);
        }

        // 50 recent + 32 salient entries: bounded by the entry count, about 2 bytes per value plus 7 per entry.
        Assert.Equal(82, last!.Window.Count);
        var bytes = store.ApproximateWindowBytes("room");
        var perEntry = (2 * (signals + harms + 2)) + 7;
        Assert.InRange(bytes, 82 * perEntry, (82 * perEntry) + 512);
        Assert.True(bytes < 6_000, $"{bytes} bytes");
        foreach (var message in last.Window)
        {
            var (author, expected) = sent[message.Index];
            Assert.Equal(author, message.AuthorId);
            for (var k = 0; k < signals; k++)
            {
                Assert.InRange(message.Signals.Probabilities[k] - expected.Probabilities[k], -1e-4f, 1e-4f);
            }
        }

        // The recent part is the last 50 messages in order; the salient part is older, in order.
        Assert.Equal(Enumerable.Range(150, 50), last.Window.Skip(32).Select(m => m.Index));
        Assert.All(last.Window.Take(32), m => Assert.True(m.Index < 150));
    }

    [Fact]
    public async Task AppendAsync_ManyDistinctAuthors_AuthorTableStaysBoundedByTheWindow()
    {
        var store = new InMemoryConversationStateStore();
        var limits = new ConversationWindowLimits(8, 0, 0.3f, 16, TimeSpan.FromHours(2));
        WindowAppendResult? last = null;
        for (var i = 0; i < 5_000; i++)
        {
            last = await store.AppendAsync("room", new WindowAppend($"m{i}", $"author-{i}", AgeBand.Adult, new MessageSignals([0.1f], [0f])), limits);
        }

        Assert.Equal(Enumerable.Range(4_992, 8).Select(i => $"author-{i}"), last!.Window.Select(m => m.AuthorId));
        Assert.True(store.ApproximateWindowBytes("room") < 1_024, $"{store.ApproximateWindowBytes("room")} bytes");
    }

    [Fact]
    public async Task AppendAsync_SignalCountChangesMidConversation_ThrowsNamingTheCounts()
    {
        var store = new InMemoryConversationStateStore();
        var limits = new ConversationWindowLimits(8, 0, 0.3f, 16, TimeSpan.FromHours(2));
        await store.AppendAsync("room", new WindowAppend("m0", "a", AgeBand.Adult, new MessageSignals([0.1f, 0.2f], [0f])), limits);

        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await store.AppendAsync("room", new WindowAppend("m1", "a", AgeBand.Adult, new MessageSignals([0.1f], [0f])), limits));
        Assert.Contains("2 signals", error.Message, StringComparison.Ordinal);

        // Another conversation may use another layout.
        var other = await store.AppendAsync("other", new WindowAppend("m1", "a", AgeBand.Adult, new MessageSignals([0.1f], [0f])), limits);
        Assert.Single(other.Window);
    }
}
