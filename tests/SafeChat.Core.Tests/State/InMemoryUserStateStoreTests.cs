using Microsoft.Extensions.Time.Testing;
using SafeChat.State;

namespace SafeChat.Core.Tests.State;

public class InMemoryUserStateStoreTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RecordMessageAsync_MoreMinorsThanCap_CountIsCappedAndStalestDropped()
    {
        var store = new InMemoryUserStateStore(maxContactsPerUser: 16);

        for (var i = 0; i < 40; i++)
        {
            await store.RecordMessageAsync(new UserActivity("adult", $"dm-{i}", [$"kid-{i}"], Start.AddSeconds(i)));
        }

        var counters = await store.GetCountersAsync("adult", Start.AddSeconds(40));
        Assert.Equal(16, counters.DistinctMinorsContacted24h);
        Assert.Equal(16, counters.DistinctConversations24h);
        Assert.Equal(40, counters.MessagesLastHour);
    }

    [Fact]
    public async Task RecordMessageAsync_SameMinorRepeatedly_CountsOnceAndRefreshesTheContact()
    {
        var store = new InMemoryUserStateStore();

        await store.RecordMessageAsync(new UserActivity("adult", "dm", ["kid"], Start));
        await store.RecordMessageAsync(new UserActivity("adult", "dm", ["kid", "kid"], Start.AddHours(20)));
        var counters = await store.GetCountersAsync("adult", Start.AddHours(30));

        Assert.Equal(1, counters.DistinctMinorsContacted24h);
        Assert.Equal(0, (await store.GetCountersAsync("adult", Start.AddHours(44).AddSeconds(1))).DistinctMinorsContacted24h);
    }

    [Fact]
    public async Task RecordMessageAsync_RandomContactsOverDays_CountsMatchAReferenceSet()
    {
        // Expiry, refresh, eviction at the cap and slot reuse against a plain list kept in last-seen order.
        const int Cap = 8;
        var store = new InMemoryUserStateStore(maxContactsPerUser: Cap);
        var reference = new List<(string Id, long Seen)>();
        var random = new Random(12);
        var now = Start;
        for (var step = 0; step < 3_000; step++)
        {
            now = now.AddMinutes(random.Next(0, 240));
            var kid = $"kid-{random.Next(0, 20)}";
            var counters = await store.RecordMessageAsync(new UserActivity("adult", "dm", [kid], now));

            var ticks = now.UtcTicks;
            reference.RemoveAll(c => c.Seen <= ticks - TimeSpan.TicksPerDay);
            var at = reference.FindIndex(c => c.Id == kid);
            if (at >= 0)
            {
                reference.RemoveAt(at);
            }
            else if (reference.Count >= Cap)
            {
                reference.RemoveAt(0);
            }

            reference.Add((kid, ticks));
            Assert.Equal(reference.Count, counters.DistinctMinorsContacted24h);
        }

        var later = now.AddHours(20);
        var expected = reference.Count(c => c.Seen > later.UtcTicks - TimeSpan.TicksPerDay);
        Assert.Equal(expected, (await store.GetCountersAsync("adult", later)).DistinctMinorsContacted24h);
    }

    [Fact]
    public async Task RecordMessageAsync_MoreUsersThanCap_EvictsLeastRecentlyActive()
    {
        var store = new InMemoryUserStateStore(maxUsers: 5);

        for (var i = 0; i < 12; i++)
        {
            await store.RecordMessageAsync(new UserActivity($"user-{i}", "room", ["kid"], Start));
        }

        Assert.Equal(5, store.Count);
        Assert.Equal(7, store.Evictions);
        Assert.Equal(0, (await store.GetCountersAsync("user-0", Start)).DistinctMinorsContacted24h);
        Assert.Equal(1, (await store.GetCountersAsync("user-11", Start)).DistinctMinorsContacted24h);
    }

    [Fact]
    public async Task RemoveExpired_UserIdleLongerThanTimeout_IsDropped()
    {
        var clock = new FakeTimeProvider(Start);
        var store = new InMemoryUserStateStore(timeProvider: clock);
        await store.RecordMessageAsync(new UserActivity("adult", "room", ["kid"], clock.GetUtcNow()));

        clock.Advance(TimeSpan.FromHours(24));
        Assert.Equal(0, store.RemoveExpired());
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, store.RemoveExpired());
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void Constructor_IdleTimeoutShorterThanADay_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryUserStateStore(idleTimeout: TimeSpan.FromHours(2)));
        Assert.Equal("idleTimeout", error.ParamName);
    }
}
