using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SafeChat.Escalation;
using SafeChat.Webhooks.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SafeChat.Webhooks.Tests.Webhooks;

/// <summary>An escalation accepted is an escalation kept: kill -9 after acceptance, and a burst against slow handlers.</summary>
public sealed class DurabilityTests(ITestOutputHelper output) : IDisposable
{
    private const string Secret = "kill-test-secret-0123456789";
    private readonly TempDirectory _dir = new();
    private readonly TestMeterFactory _meters = new();

    public void Dispose()
    {
        _meters.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task DispatchAsync_ChildKilledRightAfterAccepting200_EveryKeyDeliveredExactlyOnceAfterRestart()
    {
        const int Count = 200;
        var path = _dir.File("outbox.db");

        // The child's webhook receiver accepts TCP connections and never answers: its first delivery hangs, so the
        // child delivers nothing before it is killed and every key must come from the outbox after the restart.
        using var hung = new TcpListener(IPAddress.Loopback, 0);
        hung.Start();
        var hungEndpoint = $"http://127.0.0.1:{((IPEndPoint)hung.LocalEndpoint).Port}/hooks/safechat";

        using (var child = StartKillTarget(path, Count, hungEndpoint))
        {
            var line = await ReadUntilAsync(child, "accepted ", TimeSpan.FromSeconds(60));
            Assert.Equal($"accepted {Count}", line);
            child.Kill(); // SIGKILL: no finally blocks, no flush, no dispose
            await child.WaitForExitAsync();
            Assert.NotEqual(0, child.ExitCode);
        }

        await using var receiver = new LoopbackReceiver(LoopbackReceiver.FreePort(), Secret, TimeProvider.System).Start();
        using var outbox = new SqliteOutbox(path);
        Assert.Equal(new OutboxCounts(Count, 0, 0), await outbox.CountAsync());
        using var webhook = new WebhookEscalationHandler(new WebhookOptions { Endpoint = receiver.Endpoint, Secret = Secret });
        await using (var dispatcher = new EscalationDispatcher(outbox, [webhook], meterFactory: _meters))
        {
            await Eventually.TrueAsync(async () => (await outbox.CountAsync()).Delivered == Count, $"{Count} delivered after the restart", timeoutMs: 60_000);
        }

        var expected = Enumerable.Range(0, Count).Select(i => EscalationEvents.CreateIdempotencyKey("grooming-escalate", $"room-{i}", "adult-1")).ToHashSet();
        var requests = receiver.Requests;
        Assert.Equal(Count, requests.Count); // exactly once per key: no request was sent twice
        Assert.Equal(expected, requests.Select(r => r.IdempotencyKey!).ToHashSet());
        Assert.All(requests, r => Assert.Equal(WebhookSignatureStatus.Valid, r.Signature));
    }

    [Fact]
    public async Task DispatchAsync_BurstOf5000WithSlowHandler_NoneDroppedAllDeliveredOnce()
    {
        const int Count = 5000;
        using var escalations = new MetricCollector<long>(_meters, "SafeChat", "safechat.escalations");
        await using var receiver = new LoopbackReceiver(LoopbackReceiver.FreePort(), Secret, TimeProvider.System).Start();
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"));
        using var webhook = new WebhookEscalationHandler(new WebhookOptions { Endpoint = receiver.Endpoint, Secret = Secret });
        var slow = new SlowHandler();
        await using var dispatcher = new EscalationDispatcher(outbox, [webhook, slow], meterFactory: _meters);

        var watch = Stopwatch.StartNew();
        var accepted = await Task.WhenAll(Enumerable.Range(0, Count).Select(i =>
            dispatcher.DispatchAsync(Fixtures.Escalation(conversation: $"room-{i}")).AsTask()));
        output.WriteLine($"{Count} accepted (committed) in {watch.ElapsedMilliseconds} ms"); // informational, not asserted

        // Every DispatchAsync returned after its escalation was committed: all of them are in the outbox already.
        Assert.All(accepted, Assert.True);
        var counts = await outbox.CountAsync();
        Assert.Equal(2 * Count, counts.Pending + counts.Delivered);
        Assert.All(escalations.GetMeasurementSnapshot(), m => Assert.Equal("accepted", m.Tags["outcome"]));
        Assert.Equal(Count, escalations.GetMeasurementSnapshot().Count);

        await Eventually.TrueAsync(async () => (await outbox.CountAsync()).Delivered == 2 * Count, "all delivered to both handlers", timeoutMs: 120_000);
        output.WriteLine($"all delivered to both handlers after {watch.ElapsedMilliseconds} ms");
        Assert.Equal(Count, receiver.Accepted.Count);
        Assert.Equal(Count, receiver.Requests.Count);
        Assert.Equal(Count, slow.Keys.Distinct().Count());
        Assert.Equal(Count, slow.Keys.Count);
    }

    private static Process StartKillTarget(string outboxPath, int count, string endpoint)
    {
        // tests/SafeChat.Webhooks.Tests/bin/<configuration>/<tfm>/ -> tests/SafeChat.Webhooks.KillTarget/bin/<configuration>/<tfm>/
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = testBin.Name;
        var configuration = testBin.Parent!.Name;
        var testsRoot = testBin.Parent.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(testsRoot, "SafeChat.Webhooks.KillTarget", "bin", configuration, tfm, "SafeChat.Webhooks.KillTarget.dll");
        Assert.True(File.Exists(dll), $"the kill target is not built at {dll}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(outboxPath);
        start.ArgumentList.Add(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(endpoint);
        return Process.Start(start)!;
    }

    private static async Task<string> ReadUntilAsync(Process process, string prefix, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(cancel.Token);
            if (line is null)
            {
                Assert.Fail($"the kill target exited before printing '{prefix}': {await process.StandardError.ReadToEndAsync(cancel.Token)}");
            }

            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }
    }

    // Slower than the dispatchers: yields many times per escalation (no timing involved).
    private sealed class SlowHandler : IEscalationHandler
    {
        private readonly ConcurrentQueue<string> _keys = new();

        public string Name => "slow";

        public IReadOnlyList<string> Keys => [.. _keys];

        public async ValueTask HandleAsync(EscalationEvent escalation, CancellationToken cancellationToken = default)
        {
            for (var i = 0; i < 50; i++)
            {
                await Task.Yield();
            }

            _keys.Enqueue(escalation.IdempotencyKey);
        }
    }
}
