using SafeChat.Conversations;
using SafeChat.Scoring;
using SafeChat.Server.Redis;
using SafeChat.Server.Tests.Support;
using SafeChat.State;

namespace SafeChat.Server.Tests.Redis;

/// <summary>
/// Slow-burn dormancy in Redis: the window outlives the idle timeout by the dormancy, while the author-id map and the
/// duplicate history expire at the idle timeout, so dormant state holds no ids. Expiry itself is Redis's TTL; the tests
/// read the TTLs and delete what Redis would expire, rather than wait.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisConversationDormancyTests(RedisFixture redis)
{
    private static readonly ConversationWindowLimits Limits =
        new(WindowSize: 3, MaxSalientMessages: 2, SalientThreshold: 0.3f, DuplicateHistory: 4, IdleTimeout: TimeSpan.FromMinutes(5)) { Dormancy = TimeSpan.FromDays(30) };

    [RedisFact]
    public async Task Append_WithDormancy_WindowOutlivesTheIdMapAndDuplicateHistory()
    {
        using var connection = RedisStores.Connect(redis.Server, RedisStores.UniquePrefix());
        var store = new RedisConversationStateStore(connection, Limits.IdleTimeout, Limits.Dormancy);

        await store.AppendAsync("room", Entry("m0", "adult-1", 0.9f), Limits);

        var keys = store.Keys("room");
        var db = connection.Database;
        var idle = Limits.IdleTimeout.TotalMilliseconds;
        foreach (var key in keys[..2]) // meta and recent (salient exists only once a message leaves the window)
        {
            var ttl = (await db.KeyTimeToLiveAsync(key))!.Value.TotalMilliseconds;
            Assert.InRange(ttl, idle + TimeSpan.FromDays(29).TotalMilliseconds, idle + Limits.Dormancy.TotalMilliseconds);
        }

        foreach (var key in keys[3..])
        {
            Assert.InRange((await db.KeyTimeToLiveAsync(key))!.Value.TotalMilliseconds, 1, idle);
        }
    }

    [RedisFact]
    public async Task Append_AfterTheIdleTimeout_ResumesWithHashedAuthorsUntilTheyWriteAgain()
    {
        using var connection = RedisStores.Connect(redis.Server, RedisStores.UniquePrefix());
        var store = new RedisConversationStateStore(connection, Limits.IdleTimeout, Limits.Dormancy);
        await store.AppendAsync("room", Entry("m0", "adult-1", 0.9f), Limits);
        await store.AppendAsync("room", Entry("m1", "child-1", 0f), Limits);
        await store.TrySetAlertAsync("room", 0);

        // What Redis does at the idle timeout: the id map and the duplicate history expire.
        var keys = store.Keys("room");
        await connection.Database.KeyDeleteAsync(keys[3..]);
        var items = await connection.Database.ListRangeAsync(keys[1]);
        var childBack = await store.AppendAsync("room", Entry("m2", "child-1", 0f), Limits);
        var adultBack = await store.AppendAsync("room", Entry("m3", "adult-1", 0f), Limits);

        Assert.All(items, item => Assert.DoesNotContain("adult-1", item.ToString(), StringComparison.Ordinal));
        Assert.Equal(2, childBack.MessageIndex);
        Assert.Equal(0, childBack.FirstAlertIndex);
        Assert.Matches("^#[0-9a-f]{16}$", childBack.Window[0].AuthorId);
        Assert.Equal(["child-1", "child-1"], childBack.Window.Skip(1).Select(m => m.AuthorId));
        Assert.Equal(0.9f, childBack.Window[0].Signals.Probabilities[3]);
        Assert.Equal(["adult-1", "child-1", "child-1", "adult-1"], adultBack.Window.Select(m => m.AuthorId));
    }

    [RedisFact]
    public async Task Append_TwoNodes_HashAuthorsAlike()
    {
        var prefix = RedisStores.UniquePrefix();
        using var first = RedisStores.Connect(redis.Server, prefix);
        using var second = RedisStores.Connect(redis.Server, prefix);
        var stores = new[] { new RedisConversationStateStore(first, Limits.IdleTimeout, Limits.Dormancy), new RedisConversationStateStore(second, Limits.IdleTimeout, Limits.Dormancy) };

        await stores[0].AppendAsync("room", Entry("m0", "adult-1", 0.9f), Limits);
        await first.Database.KeyDeleteAsync(stores[0].Keys("room")[3..]);
        var resumed = await stores[1].AppendAsync("room", Entry("m1", "adult-1", 0f), Limits);

        Assert.Equal(["adult-1", "adult-1"], resumed.Window.Select(m => m.AuthorId));
    }

    private static WindowAppend Entry(string id, string author, float salience)
    {
        var probabilities = new float[SignalNames.All.Count];
        probabilities[3] = salience;
        return new WindowAppend(id, author, AgeBand.Adult, new MessageSignals(probabilities, [salience, 0f]));
    }
}
