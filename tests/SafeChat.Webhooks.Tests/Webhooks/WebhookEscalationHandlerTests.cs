using System.Text;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using SafeChat.Escalation;
using SafeChat.Webhooks.Tests.Infrastructure;

namespace SafeChat.Webhooks.Tests.Webhooks;

public sealed class WebhookEscalationHandlerTests : IDisposable
{
    private const string Secret = "whsec_loopback_test_secret";
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(Fixtures.Start);
    private readonly TestMeterFactory _meters = new();

    public void Dispose()
    {
        _meters.Dispose();
        _dir.Dispose();
    }

    private static WebhookOptions Options(int port, TimeSpan? requestTimeout = null) => new()
    {
        Endpoint = new Uri($"http://127.0.0.1:{port}/hooks/safechat"),
        Secret = Secret,
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(5),
    };

    private static EscalationDispatcherOptions Retries(int maxAttempts = 10) => new()
    {
        InitialBackoff = TimeSpan.FromSeconds(10),
        MaxBackoff = TimeSpan.FromMinutes(1),
        MaxAttempts = maxAttempts,
        // Fake time is advanced while real HTTP runs: timeouts far beyond what the tests advance, so none fires mid-request.
        HandlerTimeout = TimeSpan.FromDays(1),
    };

    [Fact]
    public async Task Dispatcher_ReceiverDownThenProcessRestart_EachKeyArrivesExactlyOnce()
    {
        var path = _dir.File("outbox.db");
        var port = LoopbackReceiver.FreePort();
        var escalations = Enumerable.Range(0, 3).Select(i => Fixtures.Escalation(conversation: $"room-{i}")).ToList();
        var keys = escalations.Select(e => e.IdempotencyKey).ToHashSet();
        var options = Options(port, requestTimeout: TimeSpan.FromDays(1));

        // Process 1: nothing listens on the port (connection refused); deliveries fail and are retried.
        var outbox = new SqliteOutbox(path, timeProvider: _time);
        using (var handler = new WebhookEscalationHandler(options, timeProvider: _time))
        {
            var dispatcher = new EscalationDispatcher(outbox, [handler], Retries(), _time, _meters);
            foreach (var escalation in escalations)
            {
                Assert.True(await dispatcher.DispatchAsync(escalation));
            }

            Assert.False(await dispatcher.DispatchAsync(escalations[0])); // a duplicate is not stored twice
            await Eventually.TrueAsync(
                async () => (await Task.WhenAll(keys.Select(k => outbox.GetAsync(k).AsTask()))).All(r => r!.Attempts >= 2),
                "every escalation attempted at least twice while the receiver is down",
                tick: () => _time.Advance(TimeSpan.FromSeconds(5)));
            var failed = (await outbox.GetAsync(escalations[0].IdempotencyKey))!;
            Assert.Equal(OutboxStatus.Pending, failed.Status);
            Assert.StartsWith("http_", failed.LastError, StringComparison.Ordinal);
            await dispatcher.DisposeAsync();
        }

        // "Restart": the receiver comes up and a new dispatcher opens the same file.
        outbox.Dispose();
        await using var receiver = new LoopbackReceiver(port, Secret, _time).Start();
        using var outbox2 = new SqliteOutbox(path, timeProvider: _time);
        using var handler2 = new WebhookEscalationHandler(options, timeProvider: _time);
        await using (var dispatcher2 = new EscalationDispatcher(outbox2, [handler2], Retries(), _time, _meters))
        {
            await Eventually.TrueAsync(
                async () => (await outbox2.CountAsync()).Delivered == 3,
                "all three delivered after the restart",
                tick: () => _time.Advance(TimeSpan.FromSeconds(5)));
        }

        Assert.Equal(keys, receiver.Accepted.Keys.ToHashSet());
        Assert.Equal(3, receiver.Requests.Count); // the sender itself sent each key once: no duplicates to deduplicate
        Assert.All(receiver.Requests, r =>
        {
            Assert.Equal(WebhookSignatureStatus.Valid, r.Signature);
            Assert.StartsWith("application/json", r.ContentType, StringComparison.Ordinal);
            Assert.StartsWith("v2=", r.SignatureHeader, StringComparison.Ordinal);
            Assert.Equal(r.IdempotencyKey, WebhookPayload.Parse(Encoding.UTF8.GetString(r.Body)).IdempotencyKey);
        });

        // A third process: delivered escalations are never sent again.
        using var outbox3 = new SqliteOutbox(path, timeProvider: _time);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await outbox3.GetDueAsync(WebhookEscalationHandler.HandlerName, _time.GetUtcNow(), 10));
        Assert.Equal(new OutboxCounts(0, 3, 0), await outbox3.CountAsync());
    }

    [Fact]
    public async Task Dispatcher_ServerErrorThenSuccess_RetriesAfterBackoffWithTheSameBody()
    {
        await using var receiver = new LoopbackReceiver(LoopbackReceiver.FreePort(), Secret, _time)
        {
            Respond = (n, _) => Task.FromResult(n == 0 ? 503 : 204),
        }.Start();
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), timeProvider: _time);
        using var handler = new WebhookEscalationHandler(Options(receiver.Port), timeProvider: _time);
        var retries = Retries();
        retries.JitterRatio = 0;
        await using var dispatcher = new EscalationDispatcher(outbox, [handler], retries, _time, _meters);
        var escalation = Fixtures.Escalation();

        await dispatcher.DispatchAsync(escalation);
        await Eventually.TrueAsync(async () => (await outbox.GetAsync(escalation.IdempotencyKey))!.Attempts == 1, "first attempt recorded");
        var row = (await outbox.GetAsync(escalation.IdempotencyKey))!;
        Assert.Equal(OutboxStatus.Pending, row.Status);
        Assert.Equal("5xx", row.LastError);
        Assert.Equal(_time.GetUtcNow().AddSeconds(10), row.NextAttemptAt); // InitialBackoff with no jitter

        _time.Advance(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(async () => (await outbox.GetAsync(escalation.IdempotencyKey))!.Status == OutboxStatus.Delivered, "delivered");

        Assert.Equal(2, (await outbox.GetAsync(escalation.IdempotencyKey))!.Attempts);
        Assert.Equal(2, receiver.Requests.Count);
        Assert.Equal(receiver.Requests[0].Body, receiver.Requests[1].Body);
        Assert.Single(receiver.Accepted);
    }

    [Fact]
    public async Task HandleAsync_TooManyRequestsWithRetryAfter_ReportsRetryAfter()
    {
        await using var receiver = new LoopbackReceiver(LoopbackReceiver.FreePort(), Secret, _time)
        {
            Respond = (_, _) => Task.FromResult(429),
            RetryAfterSeconds = 120,
        }.Start();
        using var handler = new WebhookEscalationHandler(Options(receiver.Port), timeProvider: _time);

        var ex = await Assert.ThrowsAsync<EscalationHandlerException>(() => handler.HandleAsync(Fixtures.Escalation()).AsTask());

        Assert.Equal("429", ex.Status);
        Assert.False(ex.IsPermanent);
        Assert.Equal(TimeSpan.FromSeconds(120), ex.RetryAfter);
    }

    [Fact]
    public async Task Dispatcher_PermanentClientError_DeadLettersAtOnceAndCounts()
    {
        using var deadLetters = new MetricCollector<long>(_meters, "SafeChat", "safechat.escalations.dead_letters");
        await using var receiver = new LoopbackReceiver(LoopbackReceiver.FreePort(), Secret, _time)
        {
            Respond = (_, _) => Task.FromResult(400),
        }.Start();
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), timeProvider: _time);
        using var handler = new WebhookEscalationHandler(Options(receiver.Port), timeProvider: _time);
        await using var dispatcher = new EscalationDispatcher(outbox, [handler], Retries(), _time, _meters);
        var escalation = Fixtures.Escalation();

        await dispatcher.DispatchAsync(escalation);
        await Eventually.TrueAsync(async () => (await outbox.GetAsync(escalation.IdempotencyKey))!.Status == OutboxStatus.DeadLettered, "dead-lettered");
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal("4xx", (await outbox.GetAsync(escalation.IdempotencyKey))!.LastError);
        Assert.Single(receiver.Requests);
        var measurement = Assert.Single(deadLetters.GetMeasurementSnapshot());
        Assert.Equal("4xx", measurement.Tags["status"]);
        Assert.Equal("webhook", measurement.Tags["handler"]);
    }

    [Fact]
    public async Task Dispatcher_ReceiverAlwaysFails_DeadLettersAfterMaxAttempts()
    {
        await using var receiver = new LoopbackReceiver(LoopbackReceiver.FreePort(), Secret, _time)
        {
            Respond = (_, _) => Task.FromResult(500),
        }.Start();
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), timeProvider: _time);
        // Fake time is advanced while requests are in flight: a long request timeout, so each attempt reaches the receiver.
        using var handler = new WebhookEscalationHandler(Options(receiver.Port, requestTimeout: TimeSpan.FromDays(1)), timeProvider: _time);
        await using var dispatcher = new EscalationDispatcher(outbox, [handler], Retries(maxAttempts: 3), _time, _meters);
        var escalation = Fixtures.Escalation();

        await dispatcher.DispatchAsync(escalation);
        await Eventually.TrueAsync(
            async () => (await outbox.GetAsync(escalation.IdempotencyKey))!.Status == OutboxStatus.DeadLettered,
            "dead-lettered after 3 attempts",
            tick: () => _time.Advance(TimeSpan.FromSeconds(5)));

        Assert.Equal(3, (await outbox.GetAsync(escalation.IdempotencyKey))!.Attempts);
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task HandleAsync_ReceiverHangs_TimesOutAsRetryable()
    {
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = new LoopbackReceiver(LoopbackReceiver.FreePort(), Secret, _time)
        {
            Respond = (_, _) => release.Task,
        }.Start();
        using var handler = new WebhookEscalationHandler(Options(receiver.Port), timeProvider: _time);

        var handling = handler.HandleAsync(Fixtures.Escalation()).AsTask();
        await Eventually.TrueAsync(() => receiver.Requests.Count == 1, "the request reaches the receiver");
        _time.Advance(TimeSpan.FromSeconds(5)); // RequestTimeout
        var ex = await Assert.ThrowsAsync<EscalationHandlerException>(() => handling);
        release.SetResult(200);

        Assert.Equal("timeout", ex.Status);
        Assert.False(ex.IsPermanent);
    }

    [Fact]
    public async Task HandleAsync_TwoSecrets_OneSignaturePerSecret()
    {
        await using var oldReceiver = new LoopbackReceiver(LoopbackReceiver.FreePort(), Secret, _time).Start();
        var options = Options(oldReceiver.Port);
        options.AdditionalSecrets.Add("whsec_rotated_secret_2026");
        using var handler = new WebhookEscalationHandler(options, timeProvider: _time);

        await handler.HandleAsync(Fixtures.Escalation());

        var request = Assert.Single(oldReceiver.Requests);
        Assert.Equal(WebhookSignatureStatus.Valid, request.Signature);
        Assert.Equal(2, request.SignatureHeader!.Split(',').Length);
        Assert.True(WebhookSignature.Verify("whsec_rotated_secret_2026", request.Timestamp, request.IdempotencyKey, request.Body, request.SignatureHeader, TimeSpan.FromMinutes(5), _time));
    }

    [Fact]
    public void Constructor_ShortSecret_NamesTheSetting()
    {
        var options = Options(1);
        options.Secret = "short";

        var ex = Assert.Throws<ArgumentException>(() => new WebhookEscalationHandler(options));
        Assert.Contains("Secret", ex.Message, StringComparison.Ordinal);
    }
}
