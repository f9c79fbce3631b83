using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SafeChat.Conversations;
using SafeChat.Server.Moderation;
using SafeChat.Server.Tests.Support;
using SafeChat.Webhooks;

namespace SafeChat.Server.Tests.Moderation;

public sealed class WebhookDownTests : IDisposable
{
    private readonly string _outboxPath = Path.Combine(Path.GetTempPath(), $"safechat-outbox-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Escalation_WebhookReceiverDown_ChatKeepsFlowingAndDeliveryHappensWhenItReturns()
    {
        var port = FreePort();
        await using var host = await ChatTestHost.StartAsync(
            configure: o =>
            {
                o.Dispatcher.InitialBackoff = TimeSpan.FromMilliseconds(100);
                o.Dispatcher.MaxBackoff = TimeSpan.FromMilliseconds(200);
                o.Dispatcher.PollInterval = TimeSpan.FromMilliseconds(100);
            },
            safeChat: s => s.AddWebhooks(_outboxPath, o =>
            {
                o.Endpoint = new Uri($"http://127.0.0.1:{port}/hooks/safechat");
                o.Secret = "a-test-secret-of-enough-length";
                o.RequestTimeout = TimeSpan.FromSeconds(2);
            }));
        host.Rooms.Create("lobby", RoomKind.Public, new Participant("teen-1", AgeBand.Teen));
        await using var adult = await host.ConnectAsync("adult-1", 33);

        foreach (var line in new[] { "how old r u", "so mature", "our secret", "add my snap", "gg" })
        {
            Assert.Contains(await HeldAware.SendAsync(adult, "lobby", line), new[] { "delivered", "held" }); // chat keeps flowing: nothing fails
        }

        var escalation = Assert.Single(await EscalationQueueWait.ListAsync(host.Services.GetRequiredService<IEscalationQueue>()));
        var outbox = host.Services.GetRequiredService<SqliteOutbox>();
        var pending = await WaitForAsync(() => outbox.GetAsync(escalation.Id), e => e is { Attempts: > 0 });
        Assert.Equal(OutboxStatus.Pending, pending!.Status);
        Assert.NotNull(pending.LastError);

        var received = new ConcurrentBag<string>();
        await using var receiver = await StartReceiverAsync(port, received);
        var delivered = await WaitForAsync(() => outbox.GetAsync(escalation.Id), e => e is { Status: OutboxStatus.Delivered });

        Assert.Equal(OutboxStatus.Delivered, delivered!.Status);
        Assert.Equal(escalation.Id, Assert.Single(received));
    }

    public void Dispose()
    {
        foreach (var path in new[] { _outboxPath, _outboxPath + "-wal", _outboxPath + "-shm" })
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
    }

    private static async Task<WebApplication> StartReceiverAsync(int port, ConcurrentBag<string> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapPost("/hooks/safechat", (HttpRequest request) =>
        {
            received.Add(request.Headers["Idempotency-Key"].ToString());
            return Results.Ok();
        });
        await app.StartAsync();
        return app;
    }

    private static async Task<T> WaitForAsync<T>(Func<ValueTask<T>> read, Func<T, bool> done)
    {
        var value = await read();
        for (var i = 0; i < 100 && !done(value); i++)
        {
            await Task.Delay(50);
            value = await read();
        }

        return value;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
