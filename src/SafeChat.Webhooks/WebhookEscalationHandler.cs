using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using SafeChat.Escalation;

namespace SafeChat.Webhooks;

/// <summary>
/// The webhook escalation hook: one signed HTTP <c>POST</c> per escalation (see <see cref="WebhookSignature"/>). Register
/// it on an <see cref="EscalationDispatcher"/> over a <see cref="SqliteOutbox"/>: the dispatcher feeds it from the
/// durable outbox and retries it with backoff.
/// </summary>
/// <remarks>
/// A 2xx completes the delivery. A connection error, a timeout (<see cref="WebhookOptions.RequestTimeout"/>), 408, 429,
/// 5xx, 1xx or 3xx (redirects are not followed) is retried, honouring <c>Retry-After</c>. Any other 4xx is permanent:
/// the dispatcher dead-letters it at once. The body is the <see cref="WebhookPayload"/> of the escalation as accepted,
/// so every attempt sends the same bytes.
/// </remarks>
public sealed class WebhookEscalationHandler : IEscalationHandler, IDisposable
{
    /// <summary>The handler's name, which keys its deliveries in the outbox.</summary>
    public const string HandlerName = "webhook";

    private readonly WebhookOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _timeProvider;
    private readonly IReadOnlyList<string> _secrets;

    /// <summary>Creates the handler.</summary>
    /// <param name="options">Endpoint, secrets and request timeout; validated.</param>
    /// <param name="httpClient">The client to send with; a private one without automatic redirects when null.</param>
    /// <param name="timeProvider">The clock for timestamps and the request timeout; <see cref="TimeProvider.System"/> when null.</param>
    public WebhookEscalationHandler(WebhookOptions options, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _options.Validate();
        _secrets = _options.AllSecrets;
        _timeProvider = timeProvider ?? TimeProvider.System;
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
    }

    /// <inheritdoc />
    public string Name => HandlerName;

    /// <inheritdoc />
    /// <exception cref="EscalationHandlerException">The receiver did not answer 2xx; says whether to retry.</exception>
    public async ValueTask HandleAsync(EscalationEvent escalation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        var body = Encoding.UTF8.GetBytes(WebhookPayload.FromEscalation(escalation).ToJson());
        var timestamp = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdempotencyKeyHeader, escalation.IdempotencyKey);
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(_secrets, timestamp, escalation.IdempotencyKey, body));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("SafeChat-Webhooks", "0.2"));

        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        int code;
        TimeSpan? retryAfter;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            code = (int)response.StatusCode;
            if (code is >= 200 and < 300)
            {
                return;
            }

            retryAfter = RetryAfter(response, _timeProvider.GetUtcNow());
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new EscalationHandlerException("timeout");
        }
        catch (HttpRequestException ex)
        {
            throw new EscalationHandlerException(ex.HttpRequestError == HttpRequestError.Unknown ? "http_error" : "http_" + ex.HttpRequestError.ToString().ToLowerInvariant());
        }

        var retryable = code is 408 or 429 || code >= 500 || code < 400;
        throw new EscalationHandlerException(StatusClass(code), isPermanent: !retryable, retryAfter);
    }

    /// <summary>Releases the HTTP client it owns.</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
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
        < 200 => "1xx",
        >= 300 and < 400 => "3xx",
        408 => "408",
        429 => "429",
        >= 400 and < 500 => "4xx",
        _ => "5xx",
    };
}
