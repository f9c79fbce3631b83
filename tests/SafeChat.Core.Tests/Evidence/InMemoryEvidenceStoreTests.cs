using Microsoft.Extensions.Time.Testing;
using SafeChat.Core.Tests.Support;
using SafeChat.Escalation;
using SafeChat.Evidence;

namespace SafeChat.Core.Tests.Evidence;

public sealed class InMemoryEvidenceStoreTests
{
    private readonly FakeTimeProvider _time = new(Fixtures.Start);

    private EvidenceBundle Bundle(string conversation) =>
        new EvidenceBuilder(timeProvider: _time).Build(
            Fixtures.Escalation(conversation: conversation), Fixtures.Thread(conversation), Fixtures.Adult, Fixtures.Teen);

    private async Task FillAsync(IEvidenceStore store, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await store.AppendAsync(Bundle($"room-{i}"));
            _time.Advance(TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task InMemoryStore_SameOperations_SameChainSemantics()
    {
        var store = new InMemoryEvidenceStore(timeProvider: _time);
        await FillAsync(store, 3);
        await store.ReleaseHoldAsync(1);
        Assert.Equal(1, await store.PurgeExpiredAsync());

        var records = await store.ListAsync();
        Assert.True((await store.VerifyAsync()).IsValid);

        // Tamper with a copy of the records: a changed payload is found at its entry.
        var tampered = records.ToList();
        tampered[1] = tampered[1] with { PayloadJson = tampered[1].PayloadJson!.Replace("lol ty", "hi", StringComparison.Ordinal) };
        var verification = EvidenceChain.Verify(tampered);
        Assert.False(verification.IsValid);
        Assert.Equal(2, verification.FirstBrokenSequence);
    }

    [Fact]
    public async Task EvidenceEscalationHandler_HighSeverity_AppendsBundleOnHold()
    {
        var store = new InMemoryEvidenceStore(timeProvider: _time);
        var handler = new EvidenceEscalationHandler(new FixedThreads(), new EvidenceBuilder(timeProvider: _time), store);

        await handler.HandleAsync(Fixtures.Escalation());
        await handler.HandleAsync(Fixtures.Escalation(severity: SafeChat.Policies.Severity.Low));
        await handler.HandleAsync(Fixtures.Escalation() with { Shadow = true });

        var record = Assert.Single(await store.ListAsync());
        Assert.Equal(Fixtures.Escalation().IdempotencyKey, record.IdempotencyKey);
        Assert.Equal(_time.GetUtcNow().AddDays(365), record.HoldUntil);
    }

    private sealed class FixedThreads : IEvidenceThreadSource
    {
        public ValueTask<EvidenceThread?> GetThreadAsync(EscalationEvent escalation, CancellationToken cancellationToken = default) =>
            new(new EvidenceThread(Fixtures.Thread(escalation.ConversationId), Fixtures.Adult, Fixtures.Teen));
    }
}
