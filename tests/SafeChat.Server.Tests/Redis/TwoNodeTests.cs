using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SafeChat.Conversations;
using SafeChat.Escalation;
using SafeChat.Inference;
using SafeChat.Scoring;
using SafeChat.Server.Moderation;
using SafeChat.Server.Tests.Support;

namespace SafeChat.Server.Tests.Redis;

[Collection(RedisCollection.Name)]
public sealed class TwoNodeTests(RedisFixture redis)
{
    [RedisFact]
    public async Task GroomingConversation_AlternatingBetweenTwoNodes_RaisesExactlyOneEscalation()
    {
        var handled = new ConcurrentBag<EscalationEvent>();
        var prefix = RedisStores.UniquePrefix();
        await using var nodeA = await StartNodeAsync(prefix, handled);
        await using var nodeB = await StartNodeAsync(prefix, handled);
        foreach (var node in new[] { nodeA, nodeB })
        {
            node.Rooms.Create("lobby-7", RoomKind.Public, new Participant("teen-7", AgeBand.Teen), new Participant("adult-7", AgeBand.Adult));
        }

        await using var onA = await nodeA.ConnectAsync("adult-7", 31);
        await using var onB = await nodeB.ConnectAsync("adult-7", 31);
        string[] lines = ["how old r u", "ur so mature", "dont tell ur mom", "r ur parents home", "add my snap", "send a pic", "lets meet", "ur so cool"];
        // The hold placed on one node holds the sender on the other as well (the policy state is shared in Redis).
        var outcomes = await HeldAware.SendAllAsync(lines.Select((line, i) => (i % 2 == 0 ? onA : onB, line)), "lobby-7");
        Assert.Equal("held", outcomes[^1]);

        var recordedOnA = await EscalationQueueWait.ListAsync(nodeA.Services.GetRequiredService<IEscalationQueue>());
        var recordedOnB = await EscalationQueueWait.ListAsync(nodeB.Services.GetRequiredService<IEscalationQueue>());
        var escalation = Assert.Single(recordedOnA);
        Assert.Equal("grooming-escalate", escalation.Escalation.RuleId);
        Assert.Equal(escalation.Id, Assert.Single(recordedOnB).Id);
        // Both nodes' windows were one window: the risk needed signals from messages that landed on both.
        Assert.Contains("age_probe", escalation.Escalation.Signals);
        Assert.Contains("flattery", escalation.Escalation.Signals);
        await WaitUntilAsync(() => !handled.IsEmpty);
        await Task.Delay(200);
        Assert.Single(handled);
    }

    [RedisFact]
    public async Task GroomingConversation_RealScorerAlternatingBetweenTwoNodes_RaisesExactlyOneEscalation()
    {
        using var scorer = OnnxSafetyScorer.LoadDefault();
        var handled = new ConcurrentBag<EscalationEvent>();
        var prefix = RedisStores.UniquePrefix();
        await using var nodeA = await StartNodeAsync(prefix, handled, scorer);
        await using var nodeB = await StartNodeAsync(prefix, handled, scorer);
        foreach (var node in new[] { nodeA, nodeB })
        {
            node.Rooms.Create("arena", RoomKind.Public, new Participant("kid-3", AgeBand.Teen));
        }

        await using var adultOnA = await nodeA.ConnectAsync("adult-3", 29);
        await using var adultOnB = await nodeB.ConnectAsync("adult-3", 29);
        await using var kidOnB = await nodeB.ConnectAsync("kid-3", 13);
        (HubConnection Connection, string Text)[] lines =
        [
            (adultOnA, "gg that was a sick clutch"), (kidOnB, "thx lol"), (adultOnB, "how old r u btw"), (kidOnB, "13"),
            (adultOnA, "ur so mature for 13 fr"), (adultOnB, "i can send u robux if u want"), (adultOnA, "r ur parents home rn"),
            (adultOnB, "dont tell anyone we talk ok its our secret"), (adultOnA, "add me on snap its easier"),
        ];
        foreach (var (connection, text) in lines)
        {
            Assert.Contains(await HeldAware.SendAsync(connection, "arena", text), new[] { "delivered", "held" });
        }

        var escalation = Assert.Single(await EscalationQueueWait.ListAsync(nodeA.Services.GetRequiredService<IEscalationQueue>()));
        Assert.Equal("grooming-escalate", escalation.Escalation.RuleId);
        Assert.Equal("adult-3", escalation.Escalation.SubjectUserId);
        await WaitUntilAsync(() => !handled.IsEmpty);
        await Task.Delay(200);
        Assert.Single(handled);
    }

    [RedisFact]
    public async Task FanOut_MinorsReachedThroughBothNodes_AreCountedTogether()
    {
        var handled = new ConcurrentBag<EscalationEvent>();
        var prefix = RedisStores.UniquePrefix();
        await using var nodeA = await StartNodeAsync(prefix, handled);
        await using var nodeB = await StartNodeAsync(prefix, handled);
        for (var i = 0; i < 5; i++)
        {
            foreach (var node in new[] { nodeA, nodeB })
            {
                node.Rooms.Create($"lobby-{i}", RoomKind.Public, new Participant($"kid-{i}", AgeBand.Teen));
            }
        }

        await using var onA = await nodeA.ConnectAsync("adult-9", 40);
        await using var onB = await nodeB.ConnectAsync("adult-9", 40);
        for (var i = 0; i < 5; i++)
        {
            await (i % 2 == 0 ? onA : onB).InvokeAsync<string>("Send", $"lobby-{i}", "hi, good game");
        }

        var escalations = await EscalationQueueWait.ListAsync(nodeB.Services.GetRequiredService<IEscalationQueue>());
        var fanOut = Assert.Single(escalations);
        Assert.Equal("fan-out-adult-to-minors", fanOut.Escalation.RuleId);
        Assert.Equal("adult-9", fanOut.Escalation.SubjectUserId);
    }

    private Task<ChatTestHost> StartNodeAsync(string prefix, ConcurrentBag<EscalationEvent> handled, ISafetyScorer? scorer = null) =>
        ChatTestHost.StartAsync(
            redis: redis.Server.Configuration,
            redisPrefix: prefix,
            services: s =>
            {
                s.AddSingleton<IEscalationHandler>(new CountingHandler(handled));
                if (scorer is not null)
                {
                    s.AddSingleton<ISafetyScorer>(scorer);
                }
            });

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}
