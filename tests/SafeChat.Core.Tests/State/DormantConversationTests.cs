using Microsoft.Extensions.Time.Testing;
using SafeChat.Conversations;
using SafeChat.Scoring;
using SafeChat.State;

namespace SafeChat.Core.Tests.State;

public class DormantConversationTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly ConversationWindowLimits Limits = new(3, 2, 0.3f, 4, TimeSpan.FromHours(2)) { Dormancy = TimeSpan.FromDays(30) };

    private static WindowAppend Entry(string id, string author, float probability = 0f, float harm = 0f) =>
        new(id, author, AgeBand.Adult, new MessageSignals([probability, 0.1234f], [harm, 0f], 0.6f, 0f, null, 0.3f, 0.7f), AgeAssurance.Verified);

    [Fact]
    public async Task AppendAsync_AfterIdleWithinDormancy_ResumesWithQuantizedSignalsAndNextIndex()
    {
        var clock = new FakeTimeProvider(Start);
        var store = new InMemoryConversationStateStore(10, 10, clock);
        await store.AppendAsync("room", Entry("m0", "adult-1", 0.9f, 0.8f), Limits);
        await store.AppendAsync("room", Entry("m1", "child-1", 0f), Limits);
        await store.TrySetAlertAsync("room", 1);

        clock.Advance(TimeSpan.FromDays(3));
        var resumed = await store.AppendAsync("room", Entry("m2", "child-1"), Limits);

        Assert.Equal(2, resumed.MessageIndex);
        Assert.Equal(1, resumed.FirstAlertIndex);
        Assert.Equal([0, 1, 2], resumed.Window.Select(m => m.Index));
        var kept = resumed.Window[0];
        Assert.Equal(AgeBand.Adult, kept.AuthorAge);
        Assert.Equal(AgeAssurance.Verified, kept.AuthorAssurance);
        Assert.Equal(0.9f, kept.Signals.Probabilities[0], 0.002f);
        Assert.Equal(0.1234f, kept.Signals.Probabilities[1], 0.002f);
        Assert.Equal(0.8f, kept.Signals.HarmProbabilities[0], 0.002f);
        Assert.Equal(0.6f, kept.Signals.MinorCue, 0.002f);
        Assert.Equal(0.3f, kept.Signals.SemanticAuthor, 0.002f);
        Assert.Equal(0.7f, kept.Signals.SemanticContext, 0.002f);
    }

    [Fact]
    public async Task AppendAsync_ResumedAuthorsWhoHaveNotWrittenAgain_AreHashedNotNamed()
    {
        var clock = new FakeTimeProvider(Start);
        var store = new InMemoryConversationStateStore(10, 10, clock);
        await store.AppendAsync("room", Entry("m0", "adult-1", 0.9f), Limits);
        await store.AppendAsync("room", Entry("m1", "child-1"), Limits);

        clock.Advance(TimeSpan.FromDays(3));
        var childBack = await store.AppendAsync("room", Entry("m2", "child-1"), Limits);
        var adultBack = await store.AppendAsync("room", Entry("m3", "adult-1"), Limits);

        Assert.Equal("#dormant:1", childBack.Window[0].AuthorId);
        Assert.DoesNotContain("adult-1", childBack.Window[0].AuthorId, StringComparison.Ordinal);
        Assert.Equal("child-1", childBack.Window[1].AuthorId);
        Assert.Equal(["adult-1", "child-1", "child-1", "adult-1"], adultBack.Window.Select(m => m.AuthorId));
    }

    [Fact]
    public async Task AppendAsync_ResumedInTwoStores_GivesTheSamePlaceholdersDespiteDifferentSalts()
    {
        async Task<string[]> ReplayAsync()
        {
            var clock = new FakeTimeProvider(Start);
            var store = new InMemoryConversationStateStore(10, 10, clock);
            await store.AppendAsync("room", Entry("m0", "adult-1", 0.9f), Limits);
            await store.AppendAsync("room", Entry("m1", "adult-2", 0.9f), Limits);
            await store.AppendAsync("room", Entry("m2", "child-1"), Limits);
            clock.Advance(TimeSpan.FromDays(3));
            var back = await store.AppendAsync("room", Entry("m3", "child-1"), Limits);
            return [.. back.Window.Select(m => m.AuthorId)];
        }

        var first = await ReplayAsync();
        var second = await ReplayAsync();

        Assert.Equal(["#dormant:1", "#dormant:2", "child-1", "child-1"], first);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task RemoveExpired_AfterTheDormancy_DropsDormantState()
    {
        var clock = new FakeTimeProvider(Start);
        var store = new InMemoryConversationStateStore(10, 10, clock);
        await store.AppendAsync("room", Entry("m0", "adult-1", 0.9f), Limits);

        clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(1, store.RemoveExpired());
        Assert.Equal(0, store.Count);
        Assert.Equal(1, store.DormantCount);

        clock.Advance(TimeSpan.FromDays(30));
        store.RemoveExpired();
        Assert.Equal(0, store.DormantCount);
        var fresh = await store.AppendAsync("room", Entry("m1", "adult-1"), Limits);
        Assert.Equal(0, fresh.MessageIndex);
        Assert.Single(fresh.Window);
    }

    [Fact]
    public async Task AppendAsync_ReplayedTimes_DormancyEndsByMessageTimeNotTheClock()
    {
        // The clock never moves; the messages' own times decide.
        var store = new InMemoryConversationStateStore(10, 10, new FakeTimeProvider(Start));
        var t0 = new DateTimeOffset(2008, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await store.AppendAsync("room", Entry("m0", "adult-1", 0.9f) with { At = t0 }, Limits);

        var withinDormancy = await store.AppendAsync("room", Entry("m1", "adult-1") with { At = t0.AddDays(29) }, Limits);
        var pastDormancy = await store.AppendAsync("room", Entry("m2", "adult-1") with { At = t0.AddDays(29 + 31) }, Limits);

        Assert.Equal(1, withinDormancy.MessageIndex);
        Assert.Equal(0, pastDormancy.MessageIndex);
    }

    [Fact]
    public async Task AppendAsync_ManyIdleConversations_DormantStateStaysWithinItsCap()
    {
        var clock = new FakeTimeProvider(Start);
        var store = new InMemoryConversationStateStore(1000, 10, clock);
        for (var i = 0; i < 50; i++)
        {
            await store.AppendAsync($"room-{i}", Entry("m0", "adult-1", 0.9f), Limits);
        }

        clock.Advance(TimeSpan.FromHours(3));
        store.RemoveExpired();

        Assert.Equal(0, store.Count);
        Assert.Equal(10, store.DormantCount);
        Assert.Equal(40, store.DormantEvictions);

        // The most recently idle ten are the ones kept.
        Assert.Equal(1, (await store.AppendAsync("room-49", Entry("m1", "adult-1"), Limits)).MessageIndex);
        Assert.Equal(0, (await store.AppendAsync("room-0", Entry("m1", "adult-1"), Limits)).MessageIndex);
    }

    [Fact]
    public async Task AppendAsync_EvictedByTheCap_GoesDormantAndResumes()
    {
        var store = new InMemoryConversationStateStore(2, 10, new FakeTimeProvider(Start));
        await store.AppendAsync("first", Entry("m0", "adult-1", 0.9f), Limits);
        await store.AppendAsync("second", Entry("m0", "adult-1"), Limits);
        await store.AppendAsync("third", Entry("m0", "adult-1"), Limits);

        var resumed = await store.AppendAsync("first", Entry("m1", "adult-1"), Limits);

        Assert.Equal(1, resumed.MessageIndex);
        Assert.True(store.Evictions >= 1);
    }

    [Fact]
    public async Task RemoveAsync_DormantConversation_IsForgotten()
    {
        var clock = new FakeTimeProvider(Start);
        var store = new InMemoryConversationStateStore(10, 10, clock);
        await store.AppendAsync("room", Entry("m0", "adult-1", 0.9f), Limits);
        clock.Advance(TimeSpan.FromHours(3));
        store.RemoveExpired();

        await store.RemoveAsync("room");

        Assert.Equal(0, store.DormantCount);
        Assert.Equal(0, (await store.AppendAsync("room", Entry("m1", "adult-1"), Limits)).MessageIndex);
    }
}
