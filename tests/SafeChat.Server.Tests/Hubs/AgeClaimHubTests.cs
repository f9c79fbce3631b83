using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SafeChat.Conversations;
using SafeChat.Server.Moderation;
using SafeChat.Server.Tests.Support;

namespace SafeChat.Server.Tests.Hubs;

/// <summary>An adult who connects as "14" (a self-declared age, as the test resolver reads it) keeps every adult rule.</summary>
public sealed class AgeClaimHubTests
{
    private static readonly string[] Grooming =
    [
        "how old r u", "ur so mature for ur age", "are your parents home", "this is our secret ok dont tell", "add me on snap", "send a pic",
    ];

    [Fact]
    public async Task Join_AdultClaimingFourteenIntoTwelveYearOldsPrivateRoom_IsDenied()
    {
        await using var host = await ChatTestHost.StartAsync();
        host.Rooms.Create("den", RoomKind.Private, new Participant("child-12", AgeBand.Child, AgeAssurance.SelfDeclared));
        await using var claims14 = await host.ConnectAsync("claims-14", 14);

        var error = await Assert.ThrowsAsync<HubException>(() => claims14.InvokeAsync("Join", "den"));

        Assert.Contains("safechat:join-denied", error.Message, StringComparison.Ordinal);
        Assert.Contains("private-room-adult-join", error.Message, StringComparison.Ordinal);
        Assert.Single(host.Rooms.Members("den"));
    }

    [Fact]
    public async Task Send_AdultClaimingFourteenGroomsTwelveYearOldInPrivateRoom_NoMessageDelivered()
    {
        await using var host = await ChatTestHost.StartAsync();
        host.Rooms.Create("den", RoomKind.Private, new Participant("child-12", AgeBand.Child, AgeAssurance.SelfDeclared), new Participant("claims-14", AgeBand.Teen, AgeAssurance.SelfDeclared));
        await using var child = await host.ConnectAsync("child-12", 12);
        await using var claims14 = await host.ConnectAsync("claims-14", 14);
        var received = new List<string>();
        child.On<string>("message", text => { lock (received) { received.Add(text); } });

        foreach (var line in Grooming)
        {
            var error = await Assert.ThrowsAsync<HubException>(() => claims14.InvokeAsync<string>("Send", "den", line));
            Assert.Contains("safechat:blocked", error.Message, StringComparison.Ordinal);
            Assert.Contains("private-room-adult-to-minor", error.Message, StringComparison.Ordinal);
        }

        lock (received)
        {
            Assert.Empty(received);
        }
    }

    [Fact]
    public async Task Send_AdultClaimingFourteenDmsNonConnectedTwelveYearOld_IsBlocked()
    {
        await using var host = await ChatTestHost.StartAsync();
        host.Rooms.Create("dm-1", RoomKind.Direct, new Participant("child-12", AgeBand.Child, AgeAssurance.SelfDeclared), new Participant("claims-14", AgeBand.Teen, AgeAssurance.SelfDeclared));
        await using var claims14 = await host.ConnectAsync("claims-14", 14);

        var error = await Assert.ThrowsAsync<HubException>(() => claims14.InvokeAsync<string>("Send", "dm-1", "hey"));

        Assert.Contains("dm-non-connected-adult-to-minor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_AdultClaimingFourteenGroomsInPublicRoom_EscalatedLikeAnAdult()
    {
        await using var host = await ChatTestHost.StartAsync();
        host.Rooms.Create("lobby", RoomKind.Public);
        await using var child = await host.ConnectAsync("child-12", 12);
        await using var claims14 = await host.ConnectAsync("claims-14", 14);
        await child.InvokeAsync("Join", "lobby");
        await claims14.InvokeAsync("Join", "lobby");

        foreach (var line in Grooming)
        {
            Assert.Contains(await HeldAware.SendAsync(claims14, "lobby", line), new[] { "delivered", "held" });
        }

        var escalation = Assert.Single(await EscalationQueueWait.ListAsync(host.Services.GetRequiredService<IEscalationQueue>()));
        Assert.Equal("grooming-escalate", escalation.Escalation.RuleId);
        Assert.Equal("claims-14", escalation.Escalation.SubjectUserId);
    }
}
