using SafeChat.Core.Tests.Support;
using SafeChat.Escalation;

namespace SafeChat.Core.Tests.Escalation;

public sealed class InMemoryEscalationStoreTests
{
    private static readonly DateTimeOffset Now = Fixtures.Start;

    [Fact]
    public async Task AddAsync_SameKeyTwice_SecondChangesNothing()
    {
        using var store = new InMemoryEscalationStore();

        Assert.True(await store.AddAsync(Fixtures.Escalation(), ["a", "b"]));
        Assert.False(await store.AddAsync(Fixtures.Escalation() with { MessageIndex = 7 }, ["a", "b"]));

        var due = Assert.Single(await store.GetDueAsync("a", Now, 10));
        Assert.Equal(4, due.Escalation.MessageIndex);
        Assert.Equal(0, due.Attempts);
        Assert.False(store.IsDurable);
    }

    [Fact]
    public async Task RecordAsync_EachHandlerDelivered_EscalationFinishedButKeyRemembered()
    {
        using var store = new InMemoryEscalationStore(capacity: 1);
        var escalation = Fixtures.Escalation();
        await store.AddAsync(escalation, ["a", "b"]);

        await store.RecordAsync("a", new EscalationDeliveryResult(escalation.IdempotencyKey, EscalationDeliveryOutcome.Delivered, 1, Now));
        Assert.Empty(await store.GetDueAsync("a", Now, 10));
        Assert.Single(await store.GetDueAsync("b", Now, 10));
        Assert.Equal(1, store.PendingCount);

        await store.RecordAsync("b", new EscalationDeliveryResult(escalation.IdempotencyKey, EscalationDeliveryOutcome.DeadLettered, 3, Now, Error: "4xx"));

        Assert.Equal(0, store.PendingCount);
        Assert.Equal(EscalationDeliveryOutcome.DeadLettered, store.GetState(escalation.IdempotencyKey, "b"));
        Assert.False(await store.AddAsync(escalation, ["a", "b"]));
        Assert.True(await store.AddAsync(Fixtures.Escalation(conversation: "room-8"), ["a"])); // the slot was freed
    }

    [Fact]
    public async Task RecordAsync_Retry_DueOnlyFromNextAttempt()
    {
        using var store = new InMemoryEscalationStore();
        var escalation = Fixtures.Escalation();
        await store.AddAsync(escalation, ["a"]);

        await store.RecordAsync("a", new EscalationDeliveryResult(escalation.IdempotencyKey, EscalationDeliveryOutcome.Retry, 1, Now, Now.AddSeconds(10), "5xx"));

        Assert.Empty(await store.GetDueAsync("a", Now.AddSeconds(9), 10));
        Assert.Equal(Now.AddSeconds(10), await store.GetNextDueAsync("a"));
        Assert.Equal(1, Assert.Single(await store.GetDueAsync("a", Now.AddSeconds(10), 10)).Attempts);
    }

    [Fact]
    public async Task AddAsync_Full_WaitsForAHandlerToFinishInsteadOfDropping()
    {
        using var store = new InMemoryEscalationStore(capacity: 1);
        var first = Fixtures.Escalation(conversation: "room-1");
        await store.AddAsync(first, ["a"]);

        var second = store.AddAsync(Fixtures.Escalation(conversation: "room-2"), ["a"]).AsTask();
        await Task.Delay(20);
        Assert.False(second.IsCompleted);

        await store.RecordAsync("a", new EscalationDeliveryResult(first.IdempotencyKey, EscalationDeliveryOutcome.Delivered, 1, Now));
        Assert.True(await second);
    }

    [Fact]
    public async Task AddAsync_FullAndCancelled_ThrowsAndStoresNothing()
    {
        using var store = new InMemoryEscalationStore(capacity: 1);
        await store.AddAsync(Fixtures.Escalation(conversation: "room-1"), ["a"]);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AddAsync(Fixtures.Escalation(conversation: "room-2"), ["a"], cancel.Token).AsTask());
        Assert.Single(await store.GetDueAsync("a", Now, 10));
    }

    [Fact]
    public void Constructor_ZeroCapacity_NamesTheArgument()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryEscalationStore(capacity: 0));
        Assert.Equal("capacity", ex.ParamName);
    }
}
