using SafeChat.Conversations;
using SafeChat.Scoring;
using SafeChat.Server.Redis;
using SafeChat.Server.Tests.Support;
using SafeChat.State;

namespace SafeChat.Server.Tests.Redis;

[Collection(RedisCollection.Name)]
public sealed class RedisConversationStateStoreTests(RedisFixture redis)
{
    private static readonly ConversationWindowLimits Limits = new(WindowSize: 3, MaxSalientMessages: 2, SalientThreshold: 0.3f, DuplicateHistory: 4, IdleTimeout: TimeSpan.FromMinutes(5));

    [RedisFact]
    public async Task Append_SameSequence_MatchesTheInMemoryStoreWithinQuantization()
    {
        using var connection = RedisStores.Connect(redis.Server, RedisStores.UniquePrefix());
        var store = new RedisConversationStateStore(connection, Limits.IdleTimeout);
        var reference = new InMemoryConversationStateStore();
        float[] saliences = [0.9f, 0.1f, 0.3f, 0.29f, 0.6f, 0.95f, 0f, 0.7f, 0.2f, 0.31f];
        var ids = new List<string>();
        for (var i = 0; i < saliences.Length; i++)
        {
            ids.Add($"m{i}");
            if (i % 4 == 3)
            {
                ids.Add($"m{i - 1}"); // a duplicate delivery
            }
        }

        var salienceById = saliences.Select((s, i) => (s, i)).ToDictionary(p => $"m{p.i}", p => p.s);
        foreach (var id in ids)
        {
            var entry = Entry(id, salienceById[id], AgeBand.Adult);
            var expected = await reference.AppendAsync("room", entry, Limits);
            var actual = await store.AppendAsync("room", entry, Limits);

            Assert.Equal(expected.MessageIndex, actual.MessageIndex);
            Assert.Equal(expected.IsDuplicate, actual.IsDuplicate);
            Assert.Equal(Describe(expected.Window), Describe(actual.Window));
        }
    }

    [RedisFact]
    public async Task Append_SignalsAndAges_RoundTripExactly()
    {
        using var connection = RedisStores.Connect(redis.Server, RedisStores.UniquePrefix());
        var store = new RedisConversationStateStore(connection, Limits.IdleTimeout);
        var probabilities = Enumerable.Range(0, SignalNames.All.Count).Select(i => i / 13f + 0.0001234f).ToArray();
        var entry = new WindowAppend("m1", "author|with|pipes", AgeBand.Teen, new MessageSignals(probabilities, [0.123456789f, 0.987654321f]));

        var result = await store.AppendAsync("room", entry, Limits);

        var message = Assert.Single(result.Window);
        Assert.Equal("author|with|pipes", message.AuthorId);
        Assert.Equal(AgeBand.Teen, message.AuthorAge);
        Assert.Equal(probabilities, message.Signals.Probabilities.ToArray());
        Assert.Equal(new[] { 0.123456789f, 0.987654321f }, message.Signals.HarmProbabilities.ToArray());
    }

    [RedisFact]
    public async Task Append_AgeAssurance_RoundTripsForEveryBandAndLevel()
    {
        using var connection = RedisStores.Connect(redis.Server, RedisStores.UniquePrefix());
        var store = new RedisConversationStateStore(connection, Limits.IdleTimeout);
        var signals = MessageSignals.Empty(SignalNames.All.Count);
        var pairs = Enum.GetValues<AgeBand>().SelectMany(b => Enum.GetValues<AgeAssurance>().Select(a => (Band: b, Assurance: a))).ToList();
        var windows = new List<WindowMessage>();
        for (var i = 0; i < pairs.Count; i++)
        {
            var result = await store.AppendAsync($"room-{i}", new WindowAppend("m", $"author-{i}", pairs[i].Band, signals, pairs[i].Assurance), Limits);
            windows.Add(Assert.Single(result.Window));
        }

        Assert.Equal(pairs, windows.Select(w => (w.AuthorAge, w.AuthorAssurance)).ToList());
    }

    [RedisFact]
    public async Task Append_TwoNodesConcurrently_GetContiguousUniqueIndices()
    {
        var prefix = RedisStores.UniquePrefix();
        using var nodeA = RedisStores.Connect(redis.Server, prefix);
        using var nodeB = RedisStores.Connect(redis.Server, prefix);
        var storeA = new RedisConversationStateStore(nodeA, Limits.IdleTimeout);
        var storeB = new RedisConversationStateStore(nodeB, Limits.IdleTimeout);
        var limits = Limits with { WindowSize = 100, DuplicateHistory = 100 };

        var appends = Enumerable.Range(0, 60).Select(i => (i % 2 == 0 ? storeA : storeB).AppendAsync("room", Entry($"m{i}", 0.5f, AgeBand.Adult), limits).AsTask());
        var results = await Task.WhenAll(appends);

        Assert.Equal(Enumerable.Range(0, 60), results.Select(r => r.MessageIndex).Order());
        Assert.All(results, r => Assert.False(r.IsDuplicate));
        var last = await storeA.AppendAsync("room", Entry("final", 0f, AgeBand.Adult), limits);
        Assert.Equal(61, last.Window.Count);
    }

    [RedisFact]
    public async Task TrySetAlert_RacingNodes_ExactlyOneIsFirst()
    {
        var prefix = RedisStores.UniquePrefix();
        using var nodeA = RedisStores.Connect(redis.Server, prefix);
        using var nodeB = RedisStores.Connect(redis.Server, prefix);
        var stores = new[] { new RedisConversationStateStore(nodeA, Limits.IdleTimeout), new RedisConversationStateStore(nodeB, Limits.IdleTimeout) };
        await stores[0].AppendAsync("room", Entry("m0", 0.9f, AgeBand.Adult), Limits);

        var claims = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => stores[i % 2].TrySetAlertAsync("room", 10 + i).AsTask()));

        var first = Assert.Single(claims, c => c.IsFirst);
        Assert.All(claims, c => Assert.Equal(first.FirstAlertIndex, c.FirstAlertIndex));
        var after = await stores[1].AppendAsync("room", Entry("m1", 0f, AgeBand.Adult), Limits);
        Assert.Equal(first.FirstAlertIndex, after.FirstAlertIndex);
    }

    [RedisFact]
    public async Task Remove_Conversation_StartsOverAtIndexZero()
    {
        using var connection = RedisStores.Connect(redis.Server, RedisStores.UniquePrefix());
        var store = new RedisConversationStateStore(connection, Limits.IdleTimeout);
        await store.AppendAsync("room", Entry("m0", 0.9f, AgeBand.Adult), Limits);
        await store.TrySetAlertAsync("room", 0);

        await store.RemoveAsync("room");
        var again = await store.AppendAsync("room", Entry("m0", 0.9f, AgeBand.Adult), Limits);

        Assert.Equal(0, again.MessageIndex);
        Assert.False(again.IsDuplicate);
        Assert.Null(again.FirstAlertIndex);
    }

    private static WindowAppend Entry(string id, float salience, AgeBand age)
    {
        var probabilities = new float[SignalNames.All.Count];
        probabilities[3] = salience;
        return new WindowAppend(id, "author-" + id, age, new MessageSignals(probabilities, [salience, 0f]));
    }

    private static string Describe(IReadOnlyList<WindowMessage> window) =>
        string.Join(",", window.Select(m => $"{m.Index}:{m.AuthorId}:{m.Signals.Probabilities[3]:F4}")); // the in-memory store keeps 16-bit fixed point
}
