using SafeChat.Escalation;
using SafeChat.Policies;
using SafeChat.Server.Moderation;
using SafeChat.Server.Redis;
using SafeChat.Server.Tests.Support;

namespace SafeChat.Server.Tests.Redis;

[Collection(RedisCollection.Name)]
public sealed class RedisEscalationQueueTests(RedisFixture redis)
{
    [RedisFact]
    public async Task TryAdd_SameKeyFromTwoNodes_RecordsOnceWithAllFields()
    {
        var prefix = RedisStores.UniquePrefix();
        using var nodeA = RedisStores.Connect(redis.Server, prefix);
        using var nodeB = RedisStores.Connect(redis.Server, prefix);
        var queueA = new RedisEscalationQueue(nodeA);
        var queueB = new RedisEscalationQueue(nodeB);
        var escalation = Event("room-1", Severity.Critical, 0);

        var added = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? queueA : queueB).TryAddAsync(escalation).AsTask()));

        Assert.Equal(1, added.Count(a => a));
        var record = Assert.Single(await queueB.ListAsync(null, 10));
        Assert.Equal(escalation.IdempotencyKey, record.Id);
        Assert.Equal(Severity.Critical, record.Escalation.Severity);
        Assert.Equal(escalation.RaisedAt, record.Escalation.RaisedAt);
        Assert.Equal(0.75f, record.Escalation.Harms["grooming"]);
        Assert.Equal(["secrecy", "off_platform"], record.Escalation.Signals);
        Assert.Equal("model-v1", record.Escalation.ModelVersion);
        Assert.True(record.Escalation.Shadow);
        Assert.Equal(EscalationStatus.Open, record.Status);
    }

    [RedisFact]
    public async Task List_NewestFirstWithStatusFilterAndLimit()
    {
        using var connection = RedisStores.Connect(redis.Server, RedisStores.UniquePrefix());
        var queue = new RedisEscalationQueue(connection);
        for (var i = 0; i < 5; i++)
        {
            await queue.TryAddAsync(Event($"room-{i}", Severity.High, i));
        }

        var ids = (await queue.ListAsync(null, 10)).Select(r => r.Escalation.ConversationId).ToList();
        await queue.ReviewAsync((await queue.ListAsync(null, 10))[1].Id, new EscalationReview(ReviewOutcome.Confirmed, "mod", "ok", DateTimeOffset.UnixEpoch));

        Assert.Equal(["room-4", "room-3", "room-2", "room-1", "room-0"], ids);
        Assert.Equal(["room-4", "room-2"], (await queue.ListAsync(EscalationStatus.Open, 2)).Select(r => r.Escalation.ConversationId));
        var confirmed = Assert.Single(await queue.ListAsync(EscalationStatus.Confirmed, 10));
        Assert.Equal("room-3", confirmed.Escalation.ConversationId);
        Assert.Equal("mod", confirmed.Review!.Reviewer);
    }

    [RedisFact]
    public async Task ReviewAndAppeal_StatusRules_MatchTheInMemoryQueue()
    {
        using var connection = RedisStores.Connect(redis.Server, RedisStores.UniquePrefix());
        var queues = new IEscalationQueue[] { new RedisEscalationQueue(connection), new InMemoryEscalationQueue() };
        foreach (var queue in queues)
        {
            var escalation = Event("room", Severity.High, 0);
            await queue.TryAddAsync(escalation);
            var id = escalation.IdempotencyKey;
            var review = new EscalationReview(ReviewOutcome.Confirmed, "mod", null, DateTimeOffset.UnixEpoch);
            var appeal = new EscalationAppeal("user", "context", DateTimeOffset.UnixEpoch);

            Assert.Equal(EscalationUpdateResult.Conflict, await queue.AppealAsync(id, appeal));
            Assert.Equal(EscalationUpdateResult.Updated, await queue.ReviewAsync(id, review));
            Assert.Equal(EscalationUpdateResult.Conflict, await queue.ReviewAsync(id, review));
            Assert.Equal(EscalationUpdateResult.Updated, await queue.AppealAsync(id, appeal));
            Assert.Equal(EscalationUpdateResult.Conflict, await queue.AppealAsync(id, appeal));
            Assert.Equal(EscalationUpdateResult.Updated, await queue.ReviewAsync(id, review with { Outcome = ReviewOutcome.FalsePositive }));
            Assert.Equal(EscalationUpdateResult.NotFound, await queue.ReviewAsync("esc_unknown", review));
            var record = await queue.GetAsync(id);
            Assert.Equal(EscalationStatus.FalsePositive, record!.Status);
            Assert.Equal("context", record.Appeal!.Reason);
        }
    }

    private static EscalationEvent Event(string room, Severity severity, int minute) => new(
        EscalationEvents.CreateIdempotencyKey("grooming-escalate", room, "adult"),
        "grooming-escalate",
        severity,
        room,
        "adult",
        new DateTimeOffset(2025, 1, 1, 0, minute, 0, TimeSpan.Zero))
    {
        Harms = new Dictionary<string, float> { ["grooming"] = 0.75f, ["sextortion"] = 0.1f },
        Signals = ["secrecy", "off_platform"],
        MessageIndex = 7,
        ModelVersion = "model-v1",
        PolicyVersion = "policy-v1",
        Shadow = true,
    };
}
