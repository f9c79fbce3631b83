using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR.Client;
using SafeChat.Samples.ChatServer;

// A bounded load generator for the server path: starts the sample chat server on loopback (in-memory state, or Redis
// state with --redis: a private redis-server on a free port), connects CLIENTS SignalR clients in rooms of 3, and has
// each send its messages one after another (closed loop) until MESSAGES have been sent. A message's latency is the
// hub invocation's round trip: SafeChat's hub filter (scoring, window, counters, policy) and the delivery to the room.
//
//   dotnet run -c Release --project benchmarks/SafeChat.LoadTest -- [--messages 20000] [--clients 60] [--redis]
var messages = Option("--messages", 20_000);
var clients = Option("--clients", 60);
var useRedis = args.Contains("--redis");
Process? redis = null;
int? redisPort = null;
var settings = new List<string> { "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Microsoft.AspNetCore", "Warning" };
if (useRedis)
{
    var port = FreePort();
    redisPort = port;
    redis = Process.Start(new ProcessStartInfo("redis-server", ["--port", port.ToString(CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"])
    {
        RedirectStandardOutput = true,
        UseShellExecute = false,
    }) ?? throw new InvalidOperationException("redis-server could not be started.");
    await WaitForPortAsync(port);
    settings.AddRange(["--SafeChat:Redis", $"127.0.0.1:{port}"]);
}

string[] lines =
[
    "gg that was close lol", "mid or feed", "ez 500", "space created hah", "report this noob", "how old r u btw",
    "nice ulti", "bye", "wp", "add me on snap its easier", "dont tell anyone about us ok", "push top now",
    "u have 1 hour", "mom can u pick me up at 5", "did u finish the math homework", "send me a pic of ur outfit",
];

var app = ChatServerApp.Build([.. settings]);
await app.StartAsync();
try
{
    var url = app.Urls.Single().TrimEnd('/') + "/hubs/chat";
    var connections = new HubConnection[clients];
    for (var c = 0; c < clients; c++)
    {
        var age = c % 3 == 1 ? "&age=14" : "&age=30";
        connections[c] = new HubConnectionBuilder().WithUrl($"{url}?user=load{c}{age}").Build();
        await connections[c].StartAsync();
        await connections[c].InvokeAsync<object>("JoinRoom", "load-room-" + (c / 3).ToString(CultureInfo.InvariantCulture), "group");
    }

    // Warm-up: every client sends a few messages first (JIT, pools, Redis connections), not counted.
    await RunAsync(connections, clients * 5, null);
    if (useRedis)
    {
        // A cold start can trip the Redis circuit breaker (fail-open for 5 s): let it close, then warm up again.
        await Task.Delay(TimeSpan.FromSeconds(6));
        await RunAsync(connections, clients * 5, null);
    }

    var latencies = new long[messages];
    var started = Stopwatch.GetTimestamp();
    await RunAsync(connections, messages, latencies);
    var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

    Array.Sort(latencies);
    double Ms(double q) => latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))] * 1000.0 / Stopwatch.Frequency;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"server path, {(useRedis ? "Redis" : "in-memory")} state: {messages:N0} messages from {clients} clients in {seconds:0.00} s = {messages / seconds:N0} messages/s; " +
        $"latency per message p50 {Ms(0.50):0.00} ms, p99 {Ms(0.99):0.00} ms, max {Ms(1.0):0.00} ms"));

    if (redisPort is { } p)
    {
        // Evidence that the state went to Redis: its key count after the run.
        var keys = Process.Start(new ProcessStartInfo("redis-cli", ["-p", p.ToString(CultureInfo.InvariantCulture), "dbsize"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        Console.WriteLine($"redis keys after the run: {(await keys.StandardOutput.ReadToEndAsync()).Trim()}");
    }

    foreach (var connection in connections)
    {
        await connection.DisposeAsync();
    }
}
finally
{
    await app.StopAsync();
    if (redis is not null)
    {
        redis.Kill();
        await redis.WaitForExitAsync();
    }
}

return 0;

async Task RunAsync(HubConnection[] all, int total, long[]? latencies)
{
    var next = -1;
    await Task.WhenAll(all.Select((connection, c) => Task.Run(async () =>
    {
        int at;
        while ((at = Interlocked.Increment(ref next)) < total)
        {
            var start = Stopwatch.GetTimestamp();
            await connection.InvokeAsync("SendMessage", "load-room-" + (c / 3).ToString(CultureInfo.InvariantCulture), lines[(at * 7 + c) % lines.Length]);
            if (latencies is not null)
            {
                latencies[at] = Stopwatch.GetTimestamp() - start;
            }
        }
    })));
}

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static async Task WaitForPortAsync(int port)
{
    for (var i = 0; i < 100; i++)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return;
        }
        catch (SocketException)
        {
            await Task.Delay(50);
        }
    }

    throw new InvalidOperationException("redis-server did not start listening.");
}
