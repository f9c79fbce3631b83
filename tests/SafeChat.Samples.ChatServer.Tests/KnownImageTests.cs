using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SafeChat.Evidence;
using SafeChat.Imaging;
using SafeChat.Samples.ChatServer;
using SafeChat.Server.Moderation;

namespace SafeChat.Samples.ChatServer.Tests;

/// <summary>The sample server over real SignalR on loopback, with a test hash list holding one reference photo's PDQ hash.</summary>
public sealed class KnownImageTests : IAsyncLifetime
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "pdq-reference");
    private readonly string _listPath = Path.Combine(Path.GetTempPath(), "safechat-test-list-" + Guid.NewGuid().ToString("N") + ".csv");
    private WebApplication _app = null!;
    private string _baseUrl = string.Empty;

    public async Task InitializeAsync()
    {
        var listed = ImageHasher.Hash(File.ReadAllBytes(Path.Combine(Fixtures, "bridge-mods/aaa-orig.jpg")));
        await File.WriteAllTextAsync(_listPath, "type,hash,list,label\npdq," + listed.Pdq + ",test-hotline-list,A1\n");
        _app = ChatServerApp.Build(["--urls", "http://127.0.0.1:0", "--SafeChat:HashLists", _listPath, "--Logging:LogLevel:Default", "Warning"]);
        await _app.StartAsync();
        _baseUrl = _app.Urls.Single().TrimEnd('/');
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        File.Delete(_listPath);
    }

    private async Task<HubConnection> ConnectAsync(string user, int age)
    {
        var connection = new HubConnectionBuilder().WithUrl($"{_baseUrl}/hubs/chat?user={user}&age={age}").Build();
        await connection.StartAsync();
        await connection.InvokeAsync<object>("JoinRoom", "lobby", "group");
        return connection;
    }

    [Fact]
    public async Task SendImage_EditedCopyOfListedImage_BlockedFrozenCriticalEscalationWithBundle()
    {
        var received = new ConcurrentQueue<object>();
        await using var sender = await ConnectAsync("sender", 30);
        await using var recipient = await ConnectAsync("recipient", 30);
        recipient.On<object>("image", received.Enqueue);
        var image = File.ReadAllBytes(Path.Combine(Fixtures, "bridge-mods/square-512x512.jpg"));

        var refused = await Assert.ThrowsAsync<HubException>(() => sender.InvokeAsync("SendImage", "lobby", "look", image));

        Assert.Contains("safechat:", refused.Message, StringComparison.Ordinal);
        Assert.Equal("known-csam-match", await _app.Services.GetRequiredService<IConversationFreezeStore>().GetFreezeAsync("lobby"));
        var queue = _app.Services.GetRequiredService<IEscalationQueue>();
        var escalation = await EventuallyAsync(async () => (await queue.ListAsync(null, 10)).SingleOrDefault(r => r.Escalation.RuleId == "known-csam-match"));
        Assert.Equal(Policies.Severity.Critical, escalation.Escalation.Severity);
        var evidence = _app.Services.GetRequiredService<IEvidenceStore>();
        var record = await EventuallyAsync(async () => (await evidence.ListAsync()).SingleOrDefault());
        var bundle = record.ReadBundle()!;
        Assert.Equal(CyberTipIncidentTypes.ApparentChildPornography, bundle.IncidentType);
        Assert.Equal("test-hotline-list", Assert.Single(bundle.KnownImages).ListName);
        Assert.Contains(bundle.KnownImages[0].FileHashes, h => h.Type == "sha256" && h.Value == ImageHasher.Sha256Hex(image));
        Assert.DoesNotContain(Convert.ToBase64String(image.AsSpan(0, 60)), record.PayloadJson!, StringComparison.Ordinal);
        Assert.Empty(received);
    }

    [Fact]
    public async Task SendImage_UnrelatedImage_DeliveredNothingStored()
    {
        var received = new ConcurrentQueue<object>();
        await using var sender = await ConnectAsync("sender", 30);
        await using var recipient = await ConnectAsync("recipient", 30);
        recipient.On<object>("image", received.Enqueue);

        await sender.InvokeAsync("SendImage", "lobby", "a street", File.ReadAllBytes(Path.Combine(Fixtures, "labelme-subset/q2821.jpg")));

        await EventuallyAsync(() => Task.FromResult(received.IsEmpty ? null : "delivered"));
        Assert.Null(await _app.Services.GetRequiredService<IConversationFreezeStore>().GetFreezeAsync("lobby"));
        Assert.Empty(await _app.Services.GetRequiredService<IEscalationQueue>().ListAsync(null, 10));
        Assert.Empty(await _app.Services.GetRequiredService<IEvidenceStore>().ListAsync());
    }

    // Escalations reach their handlers in the background: wait (bounded) for the result, never for a fixed time.
    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        for (var i = 0; i < 200; i++)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The expected result did not appear within 10 seconds.");
    }
}
