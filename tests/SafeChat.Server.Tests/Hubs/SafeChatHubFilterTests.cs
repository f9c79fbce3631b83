using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SafeChat.Conversations;
using SafeChat.Policies;
using SafeChat.Server.Moderation;
using SafeChat.Server.Tests.Support;

namespace SafeChat.Server.Tests.Hubs;

public sealed class SafeChatHubFilterTests
{
    [Fact]
    public async Task Join_MinorIntoPrivateRoomWithAdult_IsDeniedWithRuleId()
    {
        await using var host = await ChatTestHost.StartAsync();
        host.Rooms.Create("den", RoomKind.Private, new Participant("adult-1", AgeBand.Adult, AgeAssurance.Verified));
        await using var teen = await host.ConnectAsync("teen-1", 13);

        var error = await Assert.ThrowsAsync<HubException>(() => teen.InvokeAsync("Join", "den"));

        Assert.Contains("safechat:join-denied", error.Message, StringComparison.Ordinal);
        Assert.Contains("private-room-minor-join", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("teen-1", error.Message, StringComparison.Ordinal);
        Assert.Single(host.Rooms.Members("den"));
    }

    [Fact]
    public async Task Join_MinorIntoPublicRoom_IsAllowed()
    {
        await using var host = await ChatTestHost.StartAsync();
        host.Rooms.Create("lobby", RoomKind.Public, new Participant("adult-1", AgeBand.Adult));
        await using var teen = await host.ConnectAsync("teen-1", 13);

        await teen.InvokeAsync("Join", "lobby");

        Assert.Equal(2, host.Rooms.Members("lobby").Count);
    }

    [Fact]
    public async Task Send_AdultToMinorInPrivateRoom_IsBlockedAndNotDelivered()
    {
        await using var host = await ChatTestHost.StartAsync();
        host.Rooms.Create("den", RoomKind.Private, new Participant("teen-1", AgeBand.Teen), new Participant("adult-1", AgeBand.Adult));
        await using var teen = await host.ConnectAsync("teen-1", 14);
        await using var adult = await host.ConnectAsync("adult-1", 35);
        var received = new List<string>();
        teen.On<string>("message", received.Add);

        var error = await Assert.ThrowsAsync<HubException>(() => adult.InvokeAsync<string>("Send", "den", "hey"));

        Assert.Contains("safechat:blocked", error.Message, StringComparison.Ordinal);
        Assert.Contains("private-room-adult-to-minor", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hey", error.Message, StringComparison.Ordinal);
        Assert.Empty(received);
    }

    [Fact]
    public async Task Send_NormalMessageInPublicRoom_IsDeliveredAndRaisesNothing()
    {
        await using var host = await ChatTestHost.StartAsync();
        host.Rooms.Create("lobby", RoomKind.Public);
        await using var teen = await host.ConnectAsync("teen-1", 14);
        await using var adult = await host.ConnectAsync("adult-1", 35);
        await teen.InvokeAsync("Join", "lobby");
        await adult.InvokeAsync("Join", "lobby");
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        teen.On<string>("message", text => received.TrySetResult(text));

        var result = await adult.InvokeAsync<string>("Send", "lobby", "gg, nice build on that castle");

        Assert.Equal("delivered", result);
        Assert.Equal("gg, nice build on that castle", await received.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        var queue = host.Services.GetRequiredService<IEscalationQueue>();
        Assert.Empty(await queue.ListAsync(null, 10));
    }

    [Fact]
    public async Task Send_GroomingToTeenInPublicRoom_EscalatesOnceAndNudgesTheTeen()
    {
        await using var host = await ChatTestHost.StartAsync();
        host.Rooms.Create("lobby", RoomKind.Public);
        await using var teen = await host.ConnectAsync("teen-1", 14);
        await using var adult = await host.ConnectAsync("adult-1", 35);
        await teen.InvokeAsync("Join", "lobby");
        await adult.InvokeAsync("Join", "lobby");
        var nudges = new List<string>();
        teen.On<NudgePayload>("SafeChatNudge", n => { lock (nudges) { nudges.Add(n.RuleId); } });

        foreach (var line in new[] { "how old r u", "ur so mature", "this is our secret ok", "add me on snap", "send a pic" })
        {
            // strict-minors holds the adult from the escalation on; every line is still scored.
            Assert.Contains(await HeldAware.SendAsync(adult, "lobby", line), new[] { "delivered", "held" });
        }

        var queue = host.Services.GetRequiredService<IEscalationQueue>();
        var escalation = Assert.Single(await EscalationQueueWait.ListAsync(queue));
        Assert.Equal("grooming-escalate", escalation.Escalation.RuleId);
        Assert.Equal("adult-1", escalation.Escalation.SubjectUserId);
        Assert.Equal(EscalationStatus.Open, escalation.Status);
        await WaitUntilAsync(() => { lock (nudges) { return nudges.Contains("held-sender-to-minor"); } });
        Assert.Equal("held", await HeldAware.SendAsync(adult, "lobby", "you there?"));
    }

    [Fact]
    public async Task Send_FreezeRule_FreezesConversationUntilFalsePositiveReview()
    {
        var policy = PolicyLoader.Parse("""
            {
              "id": "freeze-test",
              "rules": [
                { "id": "freeze-sextortion", "when": { "risk": { "harm": "sextortion", "of": "sender", "min": 0.5 } },
                  "actions": ["freeze", { "action": "escalate", "severity": "critical" }] },
              ],
            }
            """, "freeze-test.json");
        await using var host = await ChatTestHost.StartAsync(o => o.Policy = policy);
        host.Rooms.Create("dm", RoomKind.Direct, new Participant("teen-1", AgeBand.Teen));
        await using var sender = await host.ConnectAsync("stranger", null);

        Assert.Equal("delivered", await sender.InvokeAsync<string>("Send", "dm", "i have your pics"));
        var frozen = await Assert.ThrowsAsync<HubException>(() => sender.InvokeAsync<string>("Send", "dm", "pay me or your followers see them"));
        var stillFrozen = await Assert.ThrowsAsync<HubException>(() => sender.InvokeAsync<string>("Send", "dm", "hello?"));

        Assert.Contains("safechat:frozen [freeze-sextortion]", frozen.Message, StringComparison.Ordinal);
        Assert.Contains("safechat:frozen", stillFrozen.Message, StringComparison.Ordinal);
        var queue = host.Services.GetRequiredService<IEscalationQueue>();
        var escalation = Assert.Single(await EscalationQueueWait.ListAsync(queue));
        Assert.Equal(EscalationUpdateResult.Updated, await queue.ReviewAsync(escalation.Id, new EscalationReview(ReviewOutcome.FalsePositive, "mod", null, DateTimeOffset.UnixEpoch)));
        // A false positive reviewed through the API lifts the freeze; here the store is driven directly.
        await host.Services.GetRequiredService<IConversationFreezeStore>().UnfreezeAsync("dm");
        Assert.Equal("delivered", await sender.InvokeAsync<string>("Send", "dm", "sorry wrong chat"));
    }

    [Fact]
    public async Task Send_HoldRuleWithSenderNudge_HoldsTheMessageAndNudgesTheSender()
    {
        var policy = PolicyLoader.Parse("""
            {
              "id": "hold-test",
              "rules": [
                { "id": "links-to-minors", "when": { "features": ["link"], "recipient_age": ["minor"], "connected": false },
                  "actions": ["hold", { "action": "warn-sender", "nudge": "Links to people you just met are checked first." }] },
              ],
            }
            """, "hold-test.json");
        await using var host = await ChatTestHost.StartAsync(o => o.Policy = policy);
        host.Rooms.Create("lobby", RoomKind.Public, new Participant("teen-1", AgeBand.Teen));
        await using var adult = await host.ConnectAsync("adult-1", 30);
        var nudge = new TaskCompletionSource<NudgePayload>(TaskCreationOptions.RunContinuationsAsynchronously);
        adult.On<NudgePayload>("SafeChatNudge", n => nudge.TrySetResult(n));

        var held = await Assert.ThrowsAsync<HubException>(() => adult.InvokeAsync<string>("Send", "lobby", "look https://example.com/free"));
        var plain = await adult.InvokeAsync<string>("Send", "lobby", "nice match");

        Assert.Contains("safechat:held [links-to-minors]", held.Message, StringComparison.Ordinal);
        Assert.Equal("delivered", plain);
        var received = await nudge.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("links-to-minors", received.RuleId);
        Assert.Equal("Links to people you just met are checked first.", received.Text);
    }

    [Fact]
    public async Task Send_UnmarkedMethod_PassesThroughWithoutResolver()
    {
        await using var host = await ChatTestHost.StartAsync();
        await using var anonymous = await host.ConnectAsync("someone", null);

        Assert.Equal("pong", await anonymous.InvokeAsync<string>("Ping"));
    }

    [Fact]
    public async Task Send_CustomParameterNamesAndMessageId_AreBoundAndDuplicatesDropped()
    {
        await using var host = await ChatTestHost.StartAsync();
        host.Rooms.Create("lobby", RoomKind.Public, new Participant("teen-1", AgeBand.Teen));
        await using var adult = await host.ConnectAsync("adult-1", 30);

        Assert.Equal("delivered m-1", await adult.InvokeAsync<string>("SendWithId", "lobby", "hi", "m-1"));
        Assert.Equal("delivered m-1", await adult.InvokeAsync<string>("SendWithId", "lobby", "hi", "m-1"));

        var moderator = host.Services.GetRequiredService<SafeChatModerator>();
        var next = await moderator.ModerateMessageAsync(new Engine.MessageEnvelope(
            new ChatMessage("m-2", "lobby", "adult-1", "hello", DateTimeOffset.UnixEpoch),
            new Room("lobby", RoomKind.Public),
            new Participant("adult-1", AgeBand.Adult),
            [new Participant("teen-1", AgeBand.Teen)]));
        Assert.Equal(1, next.Evaluation!.MessageIndex);
    }

    [Fact]
    public async Task Send_UnknownRoom_IsRefusedWithClearMessage()
    {
        await using var host = await ChatTestHost.StartAsync();
        await using var adult = await host.ConnectAsync("adult-1", 30);

        var error = await Assert.ThrowsAsync<HubException>(() => adult.InvokeAsync<string>("Send", "nowhere", "hi"));

        Assert.Contains("safechat:invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("room does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_EmptyRoomId_NamesTheArgument()
    {
        await using var host = await ChatTestHost.StartAsync();
        await using var adult = await host.ConnectAsync("adult-1", 30);

        var error = await Assert.ThrowsAsync<HubException>(() => adult.InvokeAsync<string>("Send", "", "hi"));

        Assert.Contains("'roomId'", error.Message, StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }

    private sealed record NudgePayload(string RuleId, string Text);
}
