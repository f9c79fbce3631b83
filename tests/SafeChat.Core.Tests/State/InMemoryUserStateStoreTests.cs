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
    public async Task RecordMessageAsync_TimesBackAndForth_MessagesLastHourMatchesMinuteBuckets()
    {
        // Messages in the same minute, minutes apart, hours apart and going back in time, with reads in between, against
        // the documented model: 60 one-minute buckets by minute % 60 (a message for another minute of a bucket resets it),
        // counting the buckets whose minute lies in the last hour.
        var store = new InMemoryUserStateStore();
        var minutes = new long[60];
        var counts = new int[60];
        var random = new Random(31);
        var now = Start;
        for (var step = 0; step < 3_000; step++)
        {
            now = random.Next(0, 6) switch
            {
                0 => now.AddSeconds(-random.Next(0, 7_200)),
                1 => now.AddMinutes(random.Next(0, 180)),
                _ => now.AddSeconds(random.Next(0, 50)),
            };
            var counters = await store.RecordMessageAsync(new UserActivity("user", "room", [], now));

            var minute = now.UtcTicks / TimeSpan.TicksPerMinute;
            var slot = (int)(minute % 60);
            if (minutes[slot] != minute)
            {
                minutes[slot] = minute;
                counts[slot] = 0;
            }

            counts[slot]++;
            Assert.Equal(LastHour(minute), counters.MessagesLastHour);

            var read = now.AddMinutes(random.Next(-90, 90));
            Assert.Equal(LastHour(read.UtcTicks / TimeSpan.TicksPerMinute), (await store.GetCountersAsync("user", read)).MessagesLastHour);
        }

        int LastHour(long minute) => Enumerable.Range(0, 60).Where(i => minutes[i] > minute - 60 && minutes[i] <= minute).Sum(i => counts[i]);
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
    public async Task RecordMessageAsync_RepeatedConversationsOverDays_CountsMatchAReferenceSet()
    {
        // Few conversations, so most messages come back to the conversation touched last (and some do so after it expired).
        var store = new InMemoryUserStateStore(maxContactsPerUser: 2);
        var reference = new List<(string Id, long Seen)>();
        var random = new Random(7);
        var now = Start;
        for (var step = 0; step < 2_000; step++)
        {
            now = now.AddMinutes(random.Next(0, 5) == 0 ? random.Next(600, 2_000) : random.Next(0, 30));
            var room = $"room-{random.Next(0, 3)}";
            var counters = await store.RecordMessageAsync(new UserActivity("adult", room, [], now));

            var ticks = now.UtcTicks;
            reference.RemoveAll(c => c.Seen <= ticks - TimeSpan.TicksPerDay);
            var at = reference.FindIndex(c => c.Id == room);
            if (at >= 0)
            {
                reference.RemoveAt(at);
            }
            else if (reference.Count >= 2)
            {
                reference.RemoveAt(0);
            }

            reference.Add((room, ticks));
            Assert.Equal(reference.Count, counters.DistinctConversations24h);
        }
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

    [Fact]
    public async Task RecordMessageAsync_ManyUsersOverTheContactBudget_SlotsStayWithinBudgetAndOldestUsersGo()
    {
        const int Budget = 4_096;
        var store = new InMemoryUserStateStore(100_000, null, 1024, Budget, null);
        var peak = 0L;
        for (var u = 0; u < 2_000; u++)
        {
            for (var c = 0; c < 40; c++)
            {
                await store.RecordMessageAsync(new UserActivity($"user-{u}", $"room-{u}-{c}", [$"kid-{u}-{c}"], Start.AddSeconds(u)));
            }

            peak = Math.Max(peak, store.ContactSlots);
        }

        // Each user holds 64 + 64 slots after 40 contacts; the budget keeps the total within it (the newest user always stays).
        Assert.InRange(peak, 1, Budget);
        Assert.True(store.Evictions > 1_900, $"evictions {store.Evictions}");
        Assert.True(store.Count < 100, $"users {store.Count}");
        var newest = await store.GetCountersAsync("user-1999", Start.AddSeconds(2_000));
        Assert.Equal(40, newest.DistinctMinorsContacted24h);
        Assert.Equal(40, newest.DistinctConversations24h);
        Assert.Equal(0, (await store.GetCountersAsync("user-0", Start.AddSeconds(2_000))).DistinctConversations24h);
    }

    [Fact]
    public async Task RecordMessageAsync_SameSequenceTwice_EvictsTheSameUsers()
    {
        async Task<int[]> Run()
        {
            var store = new InMemoryUserStateStore(100_000, null, 1024, 20_000, null);
            var random = new Random(5);
            for (var i = 0; i < 30_000; i++)
            {
                var u = random.Next(0, 3_000);
                await store.RecordMessageAsync(new UserActivity($"user-{u}", $"room-{random.Next(0, 50_000)}", [], Start.AddSeconds(i)));
            }

            var counts = new int[3_000];
            for (var u = 0; u < counts.Length; u++)
            {
                counts[u] = (await store.GetCountersAsync($"user-{u}", Start.AddSeconds(30_000))).DistinctConversations24h;
            }

            return counts;
        }

        var first = await Run();
        Assert.Equal(first, await Run());
        Assert.Contains(0, first);
    }

    [Fact]
    public void Constructor_NonPositiveContactBudget_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryUserStateStore(10, null, 16, 0, null));
        Assert.Equal("maxTotalContacts", error.ParamName);
    }
}
