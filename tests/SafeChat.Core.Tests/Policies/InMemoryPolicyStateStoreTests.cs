using Microsoft.Extensions.Time.Testing;
using SafeChat.Policies;
using static SafeChat.Core.Tests.Policies.PolicyTestData;

namespace SafeChat.Core.Tests.Policies;

public class InMemoryPolicyStateStoreTests
{
    private static readonly TimeSpan Cooldown = TimeSpan.FromHours(1);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly PolicyStateKey _key = new("rule", "room", "user");

    [Fact]
    public async Task TryFire_Twice_FiresOnlyOnce()
    {
        var store = new InMemoryPolicyStateStore(_time);

        Assert.True(await store.TryFireAsync(_key, _time.GetUtcNow(), Cooldown));
        _time.Advance(TimeSpan.FromHours(5));
        Assert.False(await store.TryFireAsync(_key, _time.GetUtcNow(), Cooldown));
    }

    [Fact]
    public async Task TryFire_AfterClearedAndCooldown_FiresAgain()
    {
        var store = new InMemoryPolicyStateStore(_time);
        await store.TryFireAsync(_key, _time.GetUtcNow(), Cooldown);

        await store.MarkClearedAsync(_key);
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.False(await store.TryFireAsync(_key, _time.GetUtcNow(), Cooldown));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await store.TryFireAsync(_key, _time.GetUtcNow(), Cooldown));
        Assert.False(await store.TryFireAsync(_key, _time.GetUtcNow(), Cooldown));
    }

    [Fact]
    public async Task MarkCleared_WithoutFiring_CreatesNothing()
    {
        var store = new InMemoryPolicyStateStore(_time);

        await store.MarkClearedAsync(_key);

        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task TryFire_OverCapacity_EvictsLeastRecentlyUsed()
    {
        var store = new InMemoryPolicyStateStore(_time, capacity: 2);
        var a = _key with { SubjectId = "a" };
        var b = _key with { SubjectId = "b" };
        var c = _key with { SubjectId = "c" };
        await store.TryFireAsync(a, _time.GetUtcNow(), Cooldown);
        await store.TryFireAsync(b, _time.GetUtcNow(), Cooldown);
        await store.TryFireAsync(a, _time.GetUtcNow(), Cooldown); // touches a

        await store.TryFireAsync(c, _time.GetUtcNow(), Cooldown); // evicts b

        Assert.Equal(2, store.Count);
        Assert.False(await store.TryFireAsync(a, _time.GetUtcNow(), Cooldown));
        Assert.True(await store.TryFireAsync(b, _time.GetUtcNow(), Cooldown));
    }

    [Fact]
    public async Task TryFire_IdleBeyondExpiry_ForgetsLatch()
    {
        var store = new InMemoryPolicyStateStore(_time, idleExpiry: TimeSpan.FromDays(1));
        await store.TryFireAsync(_key, _time.GetUtcNow(), Cooldown);

        _time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));

        Assert.True(await store.TryFireAsync(_key, _time.GetUtcNow(), Cooldown));
    }

    [Fact]
    public async Task TryFire_ExpiryShorterThanCooldown_KeepsLatchForTheCooldown()
    {
        var store = new InMemoryPolicyStateStore(_time, idleExpiry: TimeSpan.FromMinutes(1));
        await store.TryFireAsync(_key, _time.GetUtcNow(), TimeSpan.FromHours(24));

        _time.Advance(TimeSpan.FromHours(23));

        Assert.False(await store.TryFireAsync(_key, _time.GetUtcNow(), TimeSpan.FromHours(24)));
    }

    [Fact]
    public async Task TryFire_ManyThreadsAtOnce_ExactlyOneWins()
    {
        var store = new InMemoryPolicyStateStore(_time);

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(async () => await store.TryFireAsync(_key, _time.GetUtcNow(), Cooldown))));

        Assert.Equal(1, results.Count(r => r));
    }

    [Fact]
    public void Constructor_ZeroCapacity_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryPolicyStateStore(capacity: 0));
    }
}
