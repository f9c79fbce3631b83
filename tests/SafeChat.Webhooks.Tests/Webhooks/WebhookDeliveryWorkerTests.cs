using System.Text;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using SafeChat.Escalation;
using SafeChat.Webhooks.Tests.Infrastructure;

namespace SafeChat.Webhooks.Tests.Webhooks;

public sealed class WebhookDeliveryWorkerTests : IDisposable
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

    private WebhookOptions Options(int port, int maxAttempts = 10, TimeSpan? requestTimeout = null) => new()
    {
        Endpoint = new Uri($"http://127.0.0.1:{port}/hooks/safechat"),
        Secret = Secret,
        InitialBackoff = TimeSpan.FromSeconds(10),
        MaxBackoff = TimeSpan.FromMinutes(1),
        MaxAttempts = maxAttempts,
        PollInterval = TimeSpan.FromSeconds(30),
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task Worker_ReceiverDownThenProcessRestart_EachKeyArrivesExactlyOnce()
    {
        var path = _dir.File("outbox.db");
        var port = LoopbackReceiver.FreePort();
        var escalations = Enumerable.Range(0, 3).Select(i => Fixtures.Escalation(conversation: $"room-{i}")).ToList();
        var keys = escalations.Select(e => e.IdempotencyKey).ToHashSet();

        // Fake time is advanced while real HTTP runs, so the request timeout is set far beyond what the test advances:
        // a fake-time timeout firing mid-request would (correctly) cause a retry and a duplicate for the receiver to drop.
        var options = Options(port, requestTimeout: TimeSpan.FromDays(1));

        // Process 1: nothing listens on the port (connection refused); deliveries fail and are retried.
        var outbox = new SqliteOutbox(path, timeProvider: _time);
        var worker = new WebhookDeliveryWorker(outbox, options, meterFactory: _meters);
        var handler = new WebhookEscalationHandler(outbox);
        await worker.StartAsync();
        foreach (var escalation in escalations)
        {
            await handler.HandleAsync(escalation);
        }

        await handler.HandleAsync(escalations[0]); // a duplicate escalation is not enqueued twice
        await Eventually.TrueAsync(
            async () => (await Task.WhenAll(keys.Select(k => outbox.GetAsync(k).AsTask()))).All(r => r!.Attempts >= 2),
            "every row attempted at least twice while the receiver is down",
            tick: () => _time.Advance(TimeSpan.FromSeconds(5)));
        var failed = (await outbox.GetAsync(escalations[0].IdempotencyKey))!;
        Assert.Equal(OutboxStatus.Pending, failed.Status);
        Assert.StartsWith("http_", failed.LastError, StringComparison.Ordinal);

        // "Restart": dispose the worker and the outbox, then the receiver comes up and a new process opens the same file.
        await worker.DisposeAsync();
        outbox.Dispose();
        await using var receiver = new LoopbackReceiver(port, Secret, _time).Start();
        var outbox2 = new SqliteOutbox(path, timeProvider: _time);
        await using (var worker2 = new WebhookDeliveryWorker(outbox2, options, meterFactory: _meters))
        {
            await worker2.StartAsync();
            await Eventually.TrueAsync(
                async () => (await outbox2.CountAsync()).Delivered == 3,
                "all three rows delivered after the restart",
                tick: () => _time.Advance(TimeSpan.FromSeconds(5)));
        }

        outbox2.Dispose();
        Assert.Equal(keys, receiver.Accepted.Keys.ToHashSet());
        Assert.True(receiver.Requests.Count == 3, string.Join("; ", receiver.Requests.Select(r => $"{r.IdempotencyKey} a={r.Attempt} ts={r.Timestamp} sig={r.Signature}"))); // the sender itself sent each key once: no duplicates to deduplicate
        Assert.All(receiver.Requests, r =>
        {
            Assert.Equal(WebhookSignatureStatus.Valid, r.Signature);
            Assert.StartsWith("application/json", r.ContentType, StringComparison.Ordinal);
            Assert.Equal(r.IdempotencyKey, WebhookPayload.Parse(Encoding.UTF8.GetString(r.Body)).IdempotencyKey);
            Assert.True(int.Parse(r.Attempt!, System.Globalization.CultureInfo.InvariantCulture) >= 3);
        });

        // A third process: delivered rows are never sent again.
        using var outbox3 = new SqliteOutbox(path, timeProvider: _time);
        await using var worker3 = new WebhookDeliveryWorker(outbox3, options, meterFactory: _meters);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await worker3.DeliverDueAsync());
        Assert.Equal(3, receiver.Requests.Count);
        Assert.Equal(new OutboxCounts(0, 3, 0), await outbox3.CountAsync());
    }

    [Fact]
    public async Task DeliverDueAsync_ServerErrorThenSuccess_RetriesAfterBackoff()
    {
        await using var receiver = new LoopbackReceiver(LoopbackReceiver.FreePort(), Secret, _time)
        {
            Respond = (n, _) => Task.FromResult(n == 0 ? 503 : 204),
        }.Start();
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), timeProvider: _time);
        await using var worker = new WebhookDeliveryWorker(outbox, Options(receiver.Port), meterFactory: _meters) { Random = () => 0.0 };
        var escalation = Fixtures.Escalation();
        await outbox.EnqueueAsync(escalation);

        Assert.Equal(1, await worker.DeliverDueAsync());
        var row = (await outbox.GetAsync(escalation.IdempotencyKey))!;
        Assert.Equal(OutboxStatus.Pending, row.Status);
        Assert.Equal("503", row.LastError);
        Assert.Equal(_time.GetUtcNow().AddSeconds(10), row.NextAttemptAt); // InitialBackoff with no jitter

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, await worker.DeliverDueAsync()); // not due yet
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await worker.DeliverDueAsync());

        row = (await outbox.GetAsync(escalation.IdempotencyKey))!;
        Assert.Equal(OutboxStatus.Delivered, row.Status);
        Assert.Equal(2, row.Attempts);
        Assert.Equal(["1", "2"], receiver.Requests.Select(r => r.Attempt));
        Assert.Single(receiver.Accepted);
    }

    [Fact]
    public async Task DeliverDueAsync_TooManyRequestsWithRetryAfter_WaitsAtLeastRetryAfter()
    {
        await using var receiver = new LoopbackReceiver(LoopbackReceiver.FreePort(), Secret, _time)
        {
            Respond = (n, _) => Task.FromResult(n == 0 ? 429 : 200),
        }.Start();
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), timeProvider: _time);
        await using var worker = new WebhookDeliveryWorker(outbox, Options(receiver.Port), meterFactory: _meters) { Random = () => 0.0 };
        var escalation = Fixtures.Escalation();
        await outbox.EnqueueAsync(escalation);

        await worker.DeliverDueAsync();

        var row = (await outbox.GetAsync(escalation.IdempotencyKey))!;
        Assert.Equal("429", row.LastError);
        Assert.Equal(OutboxStatus.Pending, row.Status);
    }

    [Fact]
    public async Task DeliverDueAsync_PermanentClientError_DeadLettersAtOnceAndCounts()
    {
        using var deadLetters = new MetricCollector<long>(_meters, "SafeChat", "safechat.webhooks.dead_letters");
        await using var receiver = new LoopbackReceiver(LoopbackReceiver.FreePort(), Secret, _time)
        {
            Respond = (_, _) => Task.FromResult(400),
        }.Start();
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), timeProvider: _time);
        await using var worker = new WebhookDeliveryWorker(outbox, Options(receiver.Port), meterFactory: _meters);
        var escalation = Fixtures.Escalation();
        await outbox.EnqueueAsync(escalation);

        await worker.DeliverDueAsync();
        _time.Advance(TimeSpan.FromHours(1));
        await worker.DeliverDueAsync();

        var row = (await outbox.GetAsync(escalation.IdempotencyKey))!;
        Assert.Equal(OutboxStatus.DeadLettered, row.Status);
        Assert.Equal("400", row.LastError);
        Assert.Single(receiver.Requests);
        var measurement = Assert.Single(deadLetters.GetMeasurementSnapshot());
        Assert.Equal("4xx", measurement.Tags["status"]);
    }

    [Fact]
    public async Task DeliverDueAsync_ReceiverAlwaysFails_DeadLettersAfterMaxAttempts()
    {
        using var deadLetters = new MetricCollector<long>(_meters, "SafeChat", "safechat.webhooks.dead_letters");
        await using var receiver = new LoopbackReceiver(LoopbackReceiver.FreePort(), Secret, _time)
        {
            Respond = (_, _) => Task.FromResult(500),
        }.Start();
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), timeProvider: _time);
        await using var worker = new WebhookDeliveryWorker(outbox, Options(receiver.Port, maxAttempts: 3), meterFactory: _meters);
        var escalation = Fixtures.Escalation();
        await outbox.EnqueueAsync(escalation);

        for (var i = 0; i < 5; i++)
        {
            await worker.DeliverDueAsync();
            _time.Advance(TimeSpan.FromMinutes(1)); // MaxBackoff: every retry is due
        }

        var row = (await outbox.GetAsync(escalation.IdempotencyKey))!;
        Assert.Equal(OutboxStatus.DeadLettered, row.Status);
        Assert.Equal(3, row.Attempts);
        Assert.Equal(3, receiver.Requests.Count);
        Assert.Single(deadLetters.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task DeliverDueAsync_ReceiverHangs_TimesOutAndRetries()
    {
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = new LoopbackReceiver(LoopbackReceiver.FreePort(), Secret, _time)
        {
            Respond = (n, _) => n == 0 ? release.Task : Task.FromResult(200),
        }.Start();
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), timeProvider: _time);
        await using var worker = new WebhookDeliveryWorker(outbox, Options(receiver.Port), meterFactory: _meters) { Random = () => 0.0 };
        var escalation = Fixtures.Escalation();
        await outbox.EnqueueAsync(escalation);

        var pass = worker.DeliverDueAsync();
        await Eventually.TrueAsync(() => receiver.Requests.Count == 1, "the request reaches the receiver");
        _time.Advance(TimeSpan.FromSeconds(5)); // RequestTimeout
        await pass;
        release.SetResult(200);

        var row = (await outbox.GetAsync(escalation.IdempotencyKey))!;
        Assert.Equal("timeout", row.LastError);
        Assert.Equal(OutboxStatus.Pending, row.Status);

        _time.Advance(TimeSpan.FromSeconds(10));
        await worker.DeliverDueAsync();
        Assert.Equal(OutboxStatus.Delivered, (await outbox.GetAsync(escalation.IdempotencyKey))!.Status);
    }

    [Fact]
    public async Task Dispatcher_WithWebhookHandlerAndFailingHandler_DeliversSignedEscalation()
    {
        await using var receiver = new LoopbackReceiver(LoopbackReceiver.FreePort(), Secret, _time).Start();
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), timeProvider: _time);
        await using var worker = new WebhookDeliveryWorker(outbox, Options(receiver.Port), meterFactory: _meters);
        await worker.StartAsync();
        var escalation = Fixtures.Escalation();

        await using (var dispatcher = new EscalationDispatcher([new FailingHandler(), new WebhookEscalationHandler(outbox)], timeProvider: _time, meterFactory: _meters))
        {
            await dispatcher.DispatchAsync(escalation);
        }

        await Eventually.TrueAsync(() => receiver.Accepted.ContainsKey(escalation.IdempotencyKey), "the webhook arrives");
        var body = receiver.Accepted[escalation.IdempotencyKey];
        Assert.Equal(escalation.RuleId, WebhookPayload.Parse(body).RuleId);
    }

    [Fact]
    public void Constructor_ShortSecret_NamesTheSetting()
    {
        using var outbox = new SqliteOutbox(_dir.File("outbox.db"), timeProvider: _time);
        var options = Options(1);
        options.Secret = "short";

        var ex = Assert.Throws<ArgumentException>(() => new WebhookDeliveryWorker(outbox, options));
        Assert.Contains("Secret", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 0.0, 10)]
    [InlineData(2, 0.0, 20)]
    [InlineData(3, 0.0, 40)]
    [InlineData(10, 0.0, 3600)]
    [InlineData(1, 0.999, 5.005)]
    public void BackoffFor_Attempts_DoublesCapsAndJitters(int failedAttempts, double random, double expectedSeconds)
    {
        var options = new WebhookOptions { InitialBackoff = TimeSpan.FromSeconds(10), MaxBackoff = TimeSpan.FromHours(1), JitterRatio = 0.5 };

        Assert.Equal(expectedSeconds, options.BackoffFor(failedAttempts, random).TotalSeconds, precision: 3);
    }

    private sealed class FailingHandler : IEscalationHandler
    {
        public string Name => "failing";

        public ValueTask HandleAsync(EscalationEvent escalation, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("boom");
    }
}
