using SafeChat.Policies;
using SafeChat.Server.Redis;
using SafeChat.Server.Tests.Support;
using SafeChat.State;

namespace SafeChat.Server.Tests.Redis;

[Collection(RedisCollection.Name)]
public sealed class RedisUserAndPolicyStoreTests(RedisFixture redis)
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [RedisFact]
    public async Task Record_FanOutAcrossTwoNodes_CountsLikeTheInMemoryStore()
    {
        var prefix = RedisStores.UniquePrefix();
        using var nodeA = RedisStores.Connect(redis.Server, prefix);
        using var nodeB = RedisStores.Connect(redis.Server, prefix);
        var stores = new[] { new RedisUserStateStore(nodeA, TimeSpan.FromHours(25), 1024), new RedisUserStateStore(nodeB, TimeSpan.FromHours(25), 1024) };
        var reference = new InMemoryUserStateStore();
        (int Minutes, string Room, string[] Minors)[] activity =
        [
            (0, "r1", ["kid-1"]), (1, "r2", ["kid-2"]), (2, "r3", ["kid-3", "kid-1"]), (30, "r4", ["kid-4"]),
            (61, "r4", ["kid-5", "adult-self"]), (90, "r1", []), (24 * 60 + 5, "r5", ["kid-6"]),
        ];

        for (var i = 0; i < activity.Length; i++)
        {
            var (minutes, room, minors) = activity[i];
            var at = Start.AddMinutes(minutes);
            var record = new UserActivity("adult-self", room, minors, at);
            var expected = await reference.RecordMessageAsync(record);
            var actual = await stores[i % 2].RecordMessageAsync(record);

            Assert.Equal(expected, actual);
            Assert.Equal(expected, await stores[(i + 1) % 2].GetCountersAsync("adult-self", at));
        }

        Assert.Equal(await reference.GetCountersAsync("adult-self", Start.AddDays(3)), await stores[0].GetCountersAsync("adult-self", Start.AddDays(3)));
    }

    [RedisFact]
    public async Task Record_OverTheContactCap_DropsTheStalestContact()
    {
        using var connection = RedisStores.Connect(redis.Server, RedisStores.UniquePrefix());
        var store = new RedisUserStateStore(connection, TimeSpan.FromHours(25), maxContactsPerUser: 3);

        UserCounters counters = new();
        for (var i = 0; i < 6; i++)
        {
            counters = await store.RecordMessageAsync(new UserActivity("u", "room", [$"kid-{i}"], Start.AddMinutes(i)));
        }

        Assert.Equal(3, counters.DistinctMinorsContacted24h);
        Assert.Equal(1, counters.DistinctConversations24h);
        Assert.Equal(6, counters.MessagesLastHour);
    }

    [RedisFact]
    public async Task SenderHold_PlacedOnOneNode_SeenOnTheOtherUntilLifted()
    {
        var prefix = RedisStores.UniquePrefix();
        using var nodeA = RedisStores.Connect(redis.Server, prefix);
        using var nodeB = RedisStores.Connect(redis.Server, prefix);
        ISenderHoldStore a = new RedisPolicyStateStore(nodeA);
        ISenderHoldStore b = new RedisPolicyStateStore(nodeB);

        await a.PlaceHoldAsync("room-1", "offender", new SenderHold("grooming-escalate", Start));
        await b.PlaceHoldAsync("room-1", "offender", new SenderHold("sextortion-escalate", Start.AddMinutes(5)));
        var seen = await b.GetHoldAsync("room-1", "offender");
        var otherRoom = await b.GetHoldAsync("room-2", "offender");
        var lifted = await b.LiftHoldAsync("room-1", "offender");
        var liftedTwice = await a.LiftHoldAsync("room-1", "offender");

        Assert.Equal(new SenderHold("grooming-escalate", Start), seen); // the first placement is kept
        Assert.Null(otherRoom);
        Assert.True(lifted);
        Assert.False(liftedTwice);
        Assert.Null(await a.GetHoldAsync("room-1", "offender"));
    }

    [RedisFact]
    public async Task TryFire_LatchCooldownAndClear_FollowTheInMemorySemantics()
    {
        using var connection = RedisStores.Connect(redis.Server, RedisStores.UniquePrefix());
        var store = new RedisPolicyStateStore(connection);
        var reference = new InMemoryPolicyStateStore();
        var key = new PolicyStateKey("grooming-escalate", "room", "adult");
        var cooldown = TimeSpan.FromHours(1);
        var steps = new List<(bool Expected, bool Actual)>();

        async Task Fire(DateTimeOffset at) => steps.Add((await reference.TryFireAsync(key, at, cooldown), await store.TryFireAsync(key, at, cooldown)));
        async Task Clear()
        {
            await reference.MarkClearedAsync(key);
            await store.MarkClearedAsync(key);
        }

        await Fire(Start);
        await Fire(Start.AddMinutes(5));
        await Clear();
        await Fire(Start.AddMinutes(30));
        await Fire(Start.AddMinutes(61));
        await Fire(Start.AddMinutes(200));
        await Clear();
        await Fire(Start.AddMinutes(300));

        Assert.Equal([true, false, false, true, false, true], steps.Select(s => s.Actual));
        Assert.All(steps, s => Assert.Equal(s.Expected, s.Actual));
    }

    [RedisFact]
    public async Task TryFire_ManyNodesRacing_ExactlyOneWins()
    {
        var prefix = RedisStores.UniquePrefix();
        using var nodeA = RedisStores.Connect(redis.Server, prefix);
        using var nodeB = RedisStores.Connect(redis.Server, prefix);
        var stores = new[] { new RedisPolicyStateStore(nodeA), new RedisPolicyStateStore(nodeB) };
        var key = new PolicyStateKey("fan-out", string.Empty, "adult");

        var wins = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => stores[i % 2].TryFireAsync(key, Start, TimeSpan.FromDays(1)).AsTask()));

        Assert.Equal(1, wins.Count(w => w));
    }
}
