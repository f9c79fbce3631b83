using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Diagnostics.Metrics;

namespace SafeChat.Webhooks;

/// <summary>
/// Sends the <see cref="SqliteOutbox"/>'s pending rows to the webhook endpoint, signed, one row at a time.
/// </summary>
/// <remarks>
/// <para>2xx marks a row delivered (it is never sent again). A connection error, a timeout, 408, 429 or 5xx schedules a
/// retry with exponential backoff and jitter (<see cref="WebhookOptions.BackoffFor"/>, or a later <c>Retry-After</c>);
/// any other 4xx, or running out of <see cref="WebhookOptions.MaxAttempts"/>, dead-letters the row (counted on
/// <c>safechat.webhooks.dead_letters</c>). Every wait uses the <see cref="TimeProvider"/> of the outbox.</para>
/// <para>Delivery is at-least-once: a crash between the receiver's 2xx and the outbox update sends the row again on the
/// next start, with the same <c>Idempotency-Key</c>, so a receiver that deduplicates on it acts exactly once.</para>
/// </remarks>
public sealed class WebhookDeliveryWorker : IAsyncDisposable
{
    private readonly SqliteOutbox _outbox;
    private readonly WebhookOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _timeProvider;
    private readonly WebhookMetrics _metrics;
    private readonly byte[] _secret;
    private readonly SemaphoreSlim _passGate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly object _lifecycle = new();
    private CancellationTokenSource? _stopping;
    private Task _loop = Task.CompletedTask;
    private bool _disposed;

    /// <summary>Creates a worker; call <see cref="StartAsync"/> to run it.</summary>
    /// <param name="outbox">The outbox to deliver from (its clock drives every delay).</param>
    /// <param name="options">Endpoint, secret and retry settings.</param>
    /// <param name="httpClient">The client to send with; a private one without automatic redirects when null.</param>
    /// <param name="meterFactory">Creates the "SafeChat" meter; a private meter when null.</param>
    public WebhookDeliveryWorker(SqliteOutbox outbox, WebhookOptions options, HttpClient? httpClient = null, IMeterFactory? meterFactory = null)
    {
        _outbox = outbox ?? throw new ArgumentNullException(nameof(outbox));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _options.Validate();
        _timeProvider = outbox.TimeProvider;
        _secret = Encoding.UTF8.GetBytes(_options.Secret);
        _metrics = new WebhookMetrics(meterFactory);
        if (httpClient is null)
        {
            _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                Timeout = Timeout.InfiniteTimeSpan,
            };
            _ownsHttp = true;
        }
        else
        {
            _http = httpClient;
        }

        _outbox.Enqueued += Notify;
    }

    /// <summary>A uniform [0, 1) source for jitter; replaceable for tests.</summary>
    internal Func<double> Random { get; set; } = System.Random.Shared.NextDouble;

    /// <summary>True while the delivery loop runs.</summary>
    public bool IsRunning
    {
        get
        {
            lock (_lifecycle)
            {
                return _stopping is not null;
            }
        }
    }

    /// <summary>Starts the delivery loop. Its first pass sends every pending row that is due, including those left by a previous process.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_stopping is not null)
            {
                throw new InvalidOperationException("The webhook delivery worker is already started.");
            }

            _stopping = new CancellationTokenSource();
            var token = _stopping.Token;
            _loop = Task.Run(() => RunAsync(token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops the loop. An attempt in flight is cancelled and its row stays pending, unchanged, for the next start.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        CancellationTokenSource? stopping;
        Task loop;
        lock (_lifecycle)
        {
            stopping = _stopping;
            loop = _loop;
            _stopping = null;
        }

        if (stopping is null)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        stopping.Dispose();
    }

    /// <summary>Wakes the loop to look at the outbox now (called automatically when this process enqueues).</summary>
    public void Notify()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// One delivery pass: sends every row that is due now, then returns how many attempts it made. The loop calls this;
    /// hosts without the loop (for example a scheduled job) can call it directly.
    /// </summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken = default)
    {
        await _passGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var attempts = 0;
            while (true)
            {
                var due = await _outbox.GetDueAsync(_timeProvider.GetUtcNow(), _options.BatchSize, cancellationToken).ConfigureAwait(false);
                foreach (var entry in due)
                {
                    await DeliverAsync(entry, cancellationToken).ConfigureAwait(false);
                    attempts++;
                }

                if (due.Count < _options.BatchSize)
                {
                    return attempts;
                }
            }
        }
        finally
        {
            _passGate.Release();
        }
    }

    /// <summary>Stops the loop and releases the HTTP client it owns. The outbox stays open (its owner disposes it).</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lifecycle)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _outbox.Enqueued -= Notify;
        await StopAsync().ConfigureAwait(false);
        if (_ownsHttp)
        {
            _http.Dispose();
        }

        _metrics.Dispose();
        _passGate.Dispose();
        _wake.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                await DeliverDueAsync(stopping).ConfigureAwait(false);
                var next = await _outbox.NextDueAtAsync(stopping).ConfigureAwait(false);
                wait = next is null ? _options.PollInterval : Clamp(next.Value - _timeProvider.GetUtcNow(), _options.PollInterval);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must survive a transient outbox error (locked or full disk) and try again.
            catch (Exception)
#pragma warning restore CA1031
            {
                _metrics.WorkerError();
                wait = _options.PollInterval;
            }

            if (wait > TimeSpan.Zero && !await WaitAsync(wait, stopping).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    // Waits for the delay or a wake-up; false when stopping.
    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken stopping)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var timer = Task.Delay(delay, _timeProvider, either.Token);
        var woken = _wake.WaitAsync(either.Token);
        await Task.WhenAny(timer, woken).ConfigureAwait(false);
        await either.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(timer, woken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return !stopping.IsCancellationRequested;
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan max) => value < TimeSpan.Zero ? TimeSpan.Zero : value > max ? max : value;

    private async Task DeliverAsync(OutboxEntry entry, CancellationToken stopping)
    {
        var attempt = entry.Attempts + 1;
        var body = Encoding.UTF8.GetBytes(entry.PayloadJson);
        var sentAt = _timeProvider.GetUtcNow();
        var timestamp = sentAt.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdempotencyKeyHeader, entry.IdempotencyKey);
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(_secret, timestamp, body));
        request.Headers.TryAddWithoutValidation(WebhookSignature.AttemptHeader, attempt.ToString(CultureInfo.InvariantCulture));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("SafeChat-Webhooks", "0.1"));

        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        string status;
        TimeSpan? retryAfter = null;
        bool retryable;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            status = code.ToString(CultureInfo.InvariantCulture);
            if (code is >= 200 and < 300)
            {
                await _outbox.MarkDeliveredAsync(entry.Id, attempt, _timeProvider.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                _metrics.Attempt("delivered", StatusClass(code));
                return;
            }

            retryable = code is 408 or 429 || code >= 500 || code < 400;
            retryAfter = RetryAfter(response, _timeProvider.GetUtcNow());
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw; // Shutting down: the attempt does not count, the row stays as it was.
        }
        catch (OperationCanceledException)
        {
            status = "timeout";
            retryable = true;
        }
        catch (HttpRequestException ex)
        {
            status = ex.HttpRequestError == HttpRequestError.Unknown ? "http_error" : "http_" + ex.HttpRequestError.ToString().ToLowerInvariant();
            retryable = true;
        }

        var now = _timeProvider.GetUtcNow();
        if (!retryable || attempt >= _options.MaxAttempts)
        {
            await _outbox.DeadLetterAsync(entry.Id, attempt, now, status, CancellationToken.None).ConfigureAwait(false);
            _metrics.Attempt("dead_letter", StatusClass(status));
            _metrics.DeadLetter(StatusClass(status));
            return;
        }

        var delay = _options.BackoffFor(attempt, Random());
        if (retryAfter is { } hinted && hinted > delay)
        {
            delay = hinted < _options.MaxBackoff ? hinted : _options.MaxBackoff;
        }

        await _outbox.ScheduleRetryAsync(entry.Id, attempt, now + delay, status, CancellationToken.None).ConfigureAwait(false);
        _metrics.Attempt("retry", StatusClass(status));
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - now : null;
    }

    private static string StatusClass(int code) => code switch
    {
        >= 200 and < 300 => "2xx",
        >= 300 and < 400 => "3xx",
        408 => "408",
        429 => "429",
        >= 400 and < 500 => "4xx",
        _ => "5xx",
    };

    private static string StatusClass(string status) =>
        int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? StatusClass(code) : status;
}
