using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace SafeChat.Webhooks.Tests.Infrastructure;

/// <summary>
/// A real HTTP webhook receiver on 127.0.0.1 (HttpListener). It verifies each signature, records every request and
/// deduplicates on Idempotency-Key the way a production receiver would.
/// </summary>
internal sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _secret;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, string> _accepted = new(StringComparer.Ordinal);
    private Task _loop = Task.CompletedTask;

    public LoopbackReceiver(int port, string secret, TimeProvider timeProvider)
    {
        Port = port;
        _secret = secret;
        _timeProvider = timeProvider;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }

    public Uri Endpoint => new($"http://127.0.0.1:{Port}/");

    /// <summary>Decides the response for the n-th request (0-based); 200 when null.</summary>
    public Func<int, ReceivedRequest, Task<int>>? Respond { get; set; }

    /// <summary>A Retry-After (seconds) sent with every non-2xx answer, when set.</summary>
    public int? RetryAfterSeconds { get; set; }

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    /// <summary>Bodies of distinct idempotency keys the receiver acted on (first delivery only).</summary>
    public IReadOnlyDictionary<string, string> Accepted => _accepted;

    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public LoopbackReceiver Start()
    {
        _listener.Start();
        _loop = Task.Run(LoopAsync);
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        // Close alone (it stops too). After Stop, Close unregistered the prefix a second time, which looked the endpoint up
        // again by binding its port; a failed run threw "Address already in use" there, once another test process had
        // taken the freed port.
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task LoopAsync()
    {
        var index = 0;
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var n = index++;
            _ = Task.Run(() => HandleAsync(context, n));
        }
    }

    private async Task HandleAsync(HttpListenerContext context, int index)
    {
        using var buffer = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var request = new ReceivedRequest(
            context.Request.Headers[WebhookSignature.IdempotencyKeyHeader],
            context.Request.Headers[WebhookSignature.TimestampHeader],
            context.Request.Headers[WebhookSignature.SignatureHeader],
            context.Request.ContentType,
            body,
            WebhookSignature.Check(_secret, context.Request.Headers[WebhookSignature.TimestampHeader],
                context.Request.Headers[WebhookSignature.IdempotencyKeyHeader], body,
                context.Request.Headers[WebhookSignature.SignatureHeader], TimeSpan.FromMinutes(5), _timeProvider));
        _requests.Enqueue(request);

        var status = Respond is null ? 200 : await Respond(index, request);
        if (status is >= 200 and < 300 && request.Signature == WebhookSignatureStatus.Valid && request.IdempotencyKey is not null)
        {
            _accepted.TryAdd(request.IdempotencyKey, System.Text.Encoding.UTF8.GetString(body));
        }

        context.Response.StatusCode = request.Signature == WebhookSignatureStatus.Valid ? status : 401;
        if (RetryAfterSeconds is { } retryAfter && status is < 200 or >= 300)
        {
            context.Response.Headers["Retry-After"] = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.Close();
    }
}

internal sealed record ReceivedRequest(
    string? IdempotencyKey,
    string? Timestamp,
    string? SignatureHeader,
    string? ContentType,
    byte[] Body,
    WebhookSignatureStatus Signature);
