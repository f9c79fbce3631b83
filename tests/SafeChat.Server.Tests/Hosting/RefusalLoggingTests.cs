using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SafeChat.Conversations;
using SafeChat.Server.Tests.Support;

namespace SafeChat.Server.Tests.Hosting;

/// <summary>Refusals are expected outcomes: one Information line each, no stack trace, no ids or text; real failures stay errors.</summary>
public sealed class RefusalLoggingTests
{
    [Fact]
    public async Task Send_BlockedMessagesAndDeniedJoins_LogOneInformationLineEachWithoutErrors()
    {
        await using var host = await ChatTestHost.StartAsync(services: s => s.AddFakeLogging());
        host.Rooms.Create("den", RoomKind.Private, new Participant("child-12", AgeBand.Child), new Participant("adult-35", AgeBand.Adult, AgeAssurance.Verified));
        host.Rooms.Create("den-2", RoomKind.Private, new Participant("child-11", AgeBand.Child));
        await using var adult = await host.ConnectAsync("adult-35", 35);
        var collector = host.Services.GetFakeLogCollector();
        collector.Clear();

        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<HubException>(() => adult.InvokeAsync<string>("Send", "den", $"secret text {i}"));
        }

        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<HubException>(() => adult.InvokeAsync("Join", "den-2"));
        }

        var logs = collector.GetSnapshot();
        Assert.DoesNotContain(logs, r => r.Level >= LogLevel.Warning);
        Assert.DoesNotContain(logs, r => r.Exception is not null);
        Assert.Equal(20, logs.Count(r => r.Level == LogLevel.Information && r.Id.Id == 7 && r.Message.Contains("blocked [private-room-adult-to-minor]", StringComparison.Ordinal)));
        Assert.Equal(5, logs.Count(r => r.Level == LogLevel.Information && r.Id.Id == 8 && r.Message.Contains("join-denied [private-room-adult-join]", StringComparison.Ordinal)));
        Assert.DoesNotContain(logs, r => r.Message.Contains("adult-35", StringComparison.Ordinal)
            || r.Message.Contains("child-1", StringComparison.Ordinal)
            || r.Message.Contains("secret text", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_GroomingThenHeldMessages_LogInformationWithoutErrorsOrIds()
    {
        await using var host = await ChatTestHost.StartAsync(services: s => s.AddFakeLogging());
        host.Rooms.Create("arcade", RoomKind.Public, new Participant("teen-14", AgeBand.Teen));
        await using var adult = await host.ConnectAsync("adult-35", 35);
        var collector = host.Services.GetFakeLogCollector();
        collector.Clear();

        var outcomes = await HeldAware.SendAllAsync(
            new[] { "how old r u", "ur so mature", "our secret ok", "add my snap", "send a pic" }.Select(line => (adult, line)), "arcade");

        var logs = collector.GetSnapshot();
        Assert.Contains("held", outcomes);
        Assert.DoesNotContain(logs, r => r.Level >= LogLevel.Warning);
        Assert.DoesNotContain(logs, r => r.Exception is not null);
        Assert.Single(logs, r => r.Level == LogLevel.Information && r.Id.Id == 9 && r.Message.Contains("(rule grooming-escalate)", StringComparison.Ordinal));
        Assert.Equal(outcomes.Count(o => o == "held"), logs.Count(r => r.Level == LogLevel.Information && r.Id.Id == 7 && r.Message.Contains("held [held-sender-to-minor]", StringComparison.Ordinal)));
        Assert.DoesNotContain(logs, r => r.Message.Contains("adult-35", StringComparison.Ordinal) || r.Message.Contains("teen-14", StringComparison.Ordinal) || r.Message.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_HubMethodThrows_StillLoggedAsError()
    {
        await using var host = await ChatTestHost.StartAsync(services: s => s.AddFakeLogging());
        host.Rooms.Create("lobby", RoomKind.Public);
        await using var adult = await host.ConnectAsync("adult-35", 35);
        var collector = host.Services.GetFakeLogCollector();
        collector.Clear();

        await Assert.ThrowsAsync<HubException>(() => adult.InvokeAsync<string>("Crash", "lobby", "hello"));

        var error = Assert.Single(collector.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.IsType<InvalidOperationException>(error.Exception);
    }
}
