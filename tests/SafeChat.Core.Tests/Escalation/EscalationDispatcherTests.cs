using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using SafeChat.Core.Tests.Support;
using SafeChat.Escalation;

namespace SafeChat.Core.Tests.Escalation;

public sealed class EscalationDispatcherTests : IDisposable
{
    private readonly TestMeterFactory _meters = new();
    private readonly FakeTimeProvider _time = new(Fixtures.Start);

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task DispatchAsync_OneHandlerThrows_OtherHandlerGetsEveryEscalationAndFailureIsCounted()
    {
        using var failures = new MetricCollector<long>(_meters, "SafeChat", "safechat.escalations.handler_failures");
        var recorder = new RecordingHandler("recorder");
        await using (var dispatcher = new EscalationDispatcher([new ThrowingHandler(), recorder], timeProvider: _time, meterFactory: _meters))
        {
            await dispatcher.DispatchAsync(Fixtures.Escalation(conversation: "room-1"));
            await dispatcher.DispatchAsync(Fixtures.Escalation(conversation: "room-2"));
            await Eventually.TrueAsync(() => failures.GetMeasurementSnapshot().Count == 2, "two failures");
        }

        Assert.Equal(["room-1", "room-2"], recorder.Received.Select(e => e.ConversationId).Order());
        Assert.All(failures.GetMeasurementSnapshot(), m =>
        {
            Assert.Equal("thrower", m.Tags["handler"]);
            Assert.Equal("exception", m.Tags["reason"]);
            Assert.Equal("high", m.Tags["severity"]);
        });
    }

    [Fact]
    public async Task DispatchAsync_OneHandlerHangs_OtherHandlerIsNotBlockedAndTimeoutIsCounted()
    {
        using var failures = new MetricCollector<long>(_meters, "SafeChat", "safechat.escalations.handler_failures");
        var hanging = new HangingHandler();
        var recorder = new RecordingHandler("recorder");
        var options = new EscalationDispatcherOptions { HandlerTimeout = TimeSpan.FromSeconds(5), InitialBackoff = TimeSpan.FromHours(1) };
        var dispatcher = new EscalationDispatcher([hanging, recorder], options, _time, _meters);

        for (var i = 0; i < 3; i++)
        {
            await dispatcher.DispatchAsync(Fixtures.Escalation(conversation: $"room-{i}"));
        }

        // No fake time has passed: the recorder got all three while the hanging handler is still stuck on the first.
        await Eventually.TrueAsync(() => recorder.Received.Count == 3, "recorder receives 3 escalations");
        await Eventually.TrueAsync(() => hanging.Started == 1, "hanging handler starts");
        Assert.Empty(failures.GetMeasurementSnapshot());

        // Each hung call is abandoned after HandlerTimeout; the hanging handler then gets (and hangs on) the next one.
        await Eventually.TrueAsync(() => failures.GetMeasurementSnapshot().Count == 3, "three timeouts", tick: () => _time.Advance(TimeSpan.FromSeconds(1)));
        Assert.All(failures.GetMeasurementSnapshot(), m => Assert.Equal("timeout", m.Tags["reason"]));
        Assert.Equal(3, hanging.Started);
        await DisposeWhileTimePassesAsync(dispatcher);
    }

    [Fact]
    public async Task DispatchAsync_HandlerFailsTwice_RetriedWithBackoffAndDeliveredOnce()
    {
        using var deliveries = new MetricCollector<long>(_meters, "SafeChat", "safechat.escalations.deliveries");
        var flaky = new FlakyHandler(failures: 2);
        var store = new InMemoryEscalationStore();
        await using var dispatcher = new EscalationDispatcher(store, [flaky], timeProvider: _time, meterFactory: _meters) { Random = () => 0 };
        var escalation = Fixtures.Escalation();

        Assert.True(await dispatcher.DispatchAsync(escalation));
        await Eventually.TrueAsync(() => flaky.Calls == 1, "first attempt");
        _time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(50);
        Assert.Equal(1, flaky.Calls); // the first backoff is 10 s
        await Eventually.TrueAsync(() => flaky.Calls == 3, "second and third attempts (10 s, then 20 s)", tick: () => _time.Advance(TimeSpan.FromSeconds(1)));

        await Eventually.TrueAsync(() => store.GetState(escalation.IdempotencyKey, "flaky") == EscalationDeliveryOutcome.Delivered, "delivered");
        Assert.Equal(["retry", "retry", "delivered"], deliveries.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!));
        Assert.Equal(0, store.PendingCount);
    }

    [Fact]
    public async Task DispatchAsync_RetryAfterLongerThanBackoff_WaitsForRetryAfter()
    {
        var handler = new FlakyHandler(failures: 1) { Failure = () => new EscalationHandlerException("429", retryAfter: TimeSpan.FromMinutes(30)) };
        await using var dispatcher = new EscalationDispatcher([handler], timeProvider: _time, meterFactory: _meters) { Random = () => 0 };

        await dispatcher.DispatchAsync(Fixtures.Escalation());
        await Eventually.TrueAsync(() => handler.Calls == 1, "first attempt");
        _time.Advance(TimeSpan.FromMinutes(29));
        await Task.Delay(50);

        Assert.Equal(1, handler.Calls);
        await Eventually.TrueAsync(() => handler.Calls == 2, "retried after 30 min", tick: () => _time.Advance(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task DispatchAsync_PermanentFailure_DeadLettersAtOnceAndCountsIt()
    {
        using var deadLetters = new MetricCollector<long>(_meters, "SafeChat", "safechat.escalations.dead_letters");
        var handler = new FlakyHandler(failures: int.MaxValue) { Failure = () => new EscalationHandlerException("4xx", isPermanent: true) };
        var store = new InMemoryEscalationStore();
        await using var dispatcher = new EscalationDispatcher(store, [handler], timeProvider: _time, meterFactory: _meters);
        var escalation = Fixtures.Escalation();

        await dispatcher.DispatchAsync(escalation);
        await Eventually.TrueAsync(() => store.GetState(escalation.IdempotencyKey, "flaky") == EscalationDeliveryOutcome.DeadLettered, "dead-lettered");

        Assert.Equal(1, handler.Calls);
        var measurement = Assert.Single(deadLetters.GetMeasurementSnapshot());
        Assert.Equal("4xx", measurement.Tags["status"]);
        Assert.Equal("flaky", measurement.Tags["handler"]);
    }

    [Fact]
    public async Task DispatchAsync_MaxAttemptsReached_DeadLetters()
    {
        var handler = new FlakyHandler(failures: int.MaxValue);
        var store = new InMemoryEscalationStore();
        var options = new EscalationDispatcherOptions { MaxAttempts = 3 };
        await using var dispatcher = new EscalationDispatcher(store, [handler], options, _time, _meters);
        var escalation = Fixtures.Escalation();

        await dispatcher.DispatchAsync(escalation);
        await Eventually.TrueAsync(
            () => store.GetState(escalation.IdempotencyKey, "flaky") == EscalationDeliveryOutcome.DeadLettered,
            "dead-lettered after 3 attempts",
            tick: () => _time.Advance(TimeSpan.FromSeconds(5)));

        Assert.Equal(3, handler.Calls);
    }

    [Fact]
    public async Task DispatchAsync_SameKeyTwice_StoredAndDeliveredOnce()
    {
        using var escalations = new MetricCollector<long>(_meters, "SafeChat", "safechat.escalations");
        var recorder = new RecordingHandler("recorder");
        await using (var dispatcher = new EscalationDispatcher([recorder], timeProvider: _time, meterFactory: _meters))
        {
            Assert.True(await dispatcher.DispatchAsync(Fixtures.Escalation()));
            Assert.False(await dispatcher.DispatchAsync(Fixtures.Escalation() with { MessageIndex = 9 }));
            await Eventually.TrueAsync(() => recorder.Received.Count == 1, "delivered");
            Assert.False(await dispatcher.DispatchAsync(Fixtures.Escalation()));
        }

        Assert.Equal(4, Assert.Single(recorder.Received).MessageIndex);
        Assert.Equal(["accepted", "duplicate", "duplicate"], escalations.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!));
    }

    [Fact]
    public async Task DispatchAsync_BurstOf5000WithSlowHandlerAndSmallStore_NoneDroppedAllDeliveredOnce()
    {
        using var escalations = new MetricCollector<long>(_meters, "SafeChat", "safechat.escalations");
        var slow = new RecordingHandler("slow") { Yields = 20 };
        var fast = new RecordingHandler("fast");
        var store = new InMemoryEscalationStore(capacity: 64);
        await using var dispatcher = new EscalationDispatcher(store, [slow, fast], timeProvider: _time, meterFactory: _meters);
        var maxPending = 0;

        var accepted = await Task.WhenAll(Enumerable.Range(0, 5000).Select(async i =>
        {
            var added = await dispatcher.DispatchAsync(Fixtures.Escalation(conversation: $"room-{i}"));
            InterlockedMax(ref maxPending, store.PendingCount);
            return added;
        }));

        Assert.All(accepted, Assert.True);
        Assert.True(maxPending <= 64, $"the store held {maxPending} unfinished escalations, more than its capacity");
        await Eventually.TrueAsync(() => slow.Received.Count == 5000 && fast.Received.Count == 5000, "all 5,000 delivered to both", timeoutMs: 20_000);
        Assert.Equal(5000, slow.Received.Select(e => e.IdempotencyKey).Distinct().Count());
        Assert.DoesNotContain(escalations.GetMeasurementSnapshot(), m => (string)m.Tags["outcome"]! != "accepted");
    }

    [Fact]
    public async Task DisposeAsync_PendingEscalations_AreHandledBeforeItReturns()
    {
        var recorder = new RecordingHandler("recorder") { Yields = 5 };
        var dispatcher = new EscalationDispatcher([recorder], timeProvider: _time, meterFactory: _meters);
        for (var i = 0; i < 20; i++)
        {
            Assert.True(await dispatcher.DispatchAsync(Fixtures.Escalation(conversation: $"room-{i}")));
        }

        await dispatcher.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"room-{i}"), recorder.Received.Select(e => e.ConversationId));
    }

    [Fact]
    public async Task DisposeAsync_LaneReadEmptyBeforeEscalationsArrived_StillHandlesThem()
    {
        // The lane's first read finds nothing and is held until the drain has begun: the stale empty read must not end the lane.
        var store = new FirstReadHeldStore(new InMemoryEscalationStore());
        var recorder = new RecordingHandler("recorder");
        var dispatcher = new EscalationDispatcher(store, [recorder], timeProvider: _time, meterFactory: _meters);
        await store.FirstReadTaken.WaitAsync(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await dispatcher.DispatchAsync(Fixtures.Escalation(conversation: $"room-{i}")));
        }

        var disposing = dispatcher.DisposeAsync();
        store.ReleaseFirstRead();
        await disposing;

        Assert.Equal(["room-0", "room-1", "room-2"], recorder.Received.Select(e => e.ConversationId));
    }

    [Fact]
    public async Task DispatchAsync_AfterDispose_ThrowsAndCountsADrop()
    {
        using var escalations = new MetricCollector<long>(_meters, "SafeChat", "safechat.escalations");
        var dispatcher = new EscalationDispatcher([new RecordingHandler("recorder")], timeProvider: _time, meterFactory: _meters);
        await dispatcher.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => dispatcher.DispatchAsync(Fixtures.Escalation()).AsTask());

        var drop = Assert.Single(escalations.GetMeasurementSnapshot());
        Assert.Equal("dropped", drop.Tags["outcome"]);
        Assert.Equal("disposed", drop.Tags["reason"]);
    }

    [Fact]
    public async Task Metrics_Tags_CarryNoIdsOrText()
    {
        using var all = new MetricCollector<long>(_meters, "SafeChat", "safechat.escalations");
        using var failures = new MetricCollector<long>(_meters, "SafeChat", "safechat.escalations.handler_failures");
        using var deliveries = new MetricCollector<long>(_meters, "SafeChat", "safechat.escalations.deliveries");
        await using (var dispatcher = new EscalationDispatcher([new ThrowingHandler(), new RecordingHandler("recorder")], timeProvider: _time, meterFactory: _meters))
        {
            await dispatcher.DispatchAsync(Fixtures.Escalation());
            await Eventually.TrueAsync(() => deliveries.GetMeasurementSnapshot().Count == 2, "both handlers tried");
        }

        var measurements = all.GetMeasurementSnapshot().Concat(failures.GetMeasurementSnapshot()).Concat(deliveries.GetMeasurementSnapshot()).ToList();
        Assert.Equal(4, measurements.Count);
        var escalation = Fixtures.Escalation();
        foreach (var tag in measurements.SelectMany(m => m.Tags))
        {
            Assert.Contains(tag.Key, new[] { "outcome", "severity", "shadow", "reason", "handler", "status" });
            var value = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            Assert.DoesNotContain(escalation.ConversationId, value, StringComparison.Ordinal);
            Assert.DoesNotContain(escalation.SubjectUserId, value, StringComparison.Ordinal);
            Assert.DoesNotContain(escalation.IdempotencyKey, value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Constructor_InvalidOptions_NamesTheSetting()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new EscalationDispatcher([], new EscalationDispatcherOptions { HandlerTimeout = TimeSpan.Zero }));
        Assert.Contains("HandlerTimeout", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_TwoHandlersWithOneName_NamesBoth()
    {
        var ex = Assert.Throws<ArgumentException>(() => new EscalationDispatcher([new RecordingHandler("a"), new RecordingHandler("a")]));
        Assert.Contains("handlers[1] is named 'a', like handlers[0]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BackoffFor_Attempts_DoublesUpToTheCapAndJitterShortens()
    {
        var options = new EscalationDispatcherOptions();
        Assert.Equal(TimeSpan.FromSeconds(10), options.BackoffFor(1, 0));
        Assert.Equal(TimeSpan.FromSeconds(40), options.BackoffFor(3, 0));
        Assert.Equal(TimeSpan.FromHours(1), options.BackoffFor(19, 0));
        Assert.Equal(TimeSpan.FromSeconds(5), options.BackoffFor(1, 1.0));
    }

    // Disposal waits on fake-time timeouts (the hung handler's), so let fake time pass until it returns.
    private async Task DisposeWhileTimePassesAsync(EscalationDispatcher dispatcher)
    {
        var disposing = dispatcher.DisposeAsync().AsTask();
        await Eventually.TrueAsync(() => disposing.IsCompleted, "dispose completes", tick: () => _time.Advance(TimeSpan.FromSeconds(10)));
        await disposing;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
        {
            current = Volatile.Read(ref target);
        }
    }

    private sealed class RecordingHandler(string name) : IEscalationHandler
    {
        private readonly ConcurrentQueue<EscalationEvent> _received = new();

        public string Name => name;

        // Slowness without timing: yields the thread this many times per escalation.
        public int Yields { get; init; }

        public IReadOnlyList<EscalationEvent> Received => [.. _received];

        public async ValueTask HandleAsync(EscalationEvent escalation, CancellationToken cancellationToken = default)
        {
            for (var i = 0; i < Yields; i++)
            {
                await Task.Yield();
            }

            _received.Enqueue(escalation);
        }
    }

    private sealed class FirstReadHeldStore(IEscalationStore inner) : IEscalationStore
    {
        private readonly TaskCompletionSource _taken = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _reads;

        public Task FirstReadTaken => _taken.Task;

        public bool IsDurable => inner.IsDurable;

        public void ReleaseFirstRead() => _release.TrySetResult();

        public ValueTask<bool> AddAsync(EscalationEvent escalation, IReadOnlyList<string> handlers, CancellationToken cancellationToken = default) =>
            inner.AddAsync(escalation, handlers, cancellationToken);

        public async ValueTask<IReadOnlyList<PendingEscalation>> GetDueAsync(string handler, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
        {
            var due = await inner.GetDueAsync(handler, now, limit, cancellationToken);
            if (Interlocked.Increment(ref _reads) == 1)
            {
                _taken.TrySetResult();
                await _release.Task.WaitAsync(cancellationToken);
            }

            return due;
        }

        public ValueTask<DateTimeOffset?> GetNextDueAsync(string handler, CancellationToken cancellationToken = default) =>
            inner.GetNextDueAsync(handler, cancellationToken);

        public ValueTask RecordAsync(string handler, EscalationDeliveryResult result, CancellationToken cancellationToken = default) =>
            inner.RecordAsync(handler, result, cancellationToken);
    }

    private sealed class FlakyHandler(int failures) : IEscalationHandler
    {
        private int _calls;

        public string Name => "flaky";

        public Func<Exception> Failure { get; init; } = () => new IOException("receiver down");

        public int Calls => Volatile.Read(ref _calls);

        public ValueTask HandleAsync(EscalationEvent escalation, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _calls) <= failures ? throw Failure() : ValueTask.CompletedTask;
    }

    private sealed class ThrowingHandler : IEscalationHandler
    {
        public string Name => "thrower";

        public ValueTask HandleAsync(EscalationEvent escalation, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("handler bug");
    }

    // Ignores cancellation entirely: the worst kind of hang.
    private sealed class HangingHandler : IEscalationHandler
    {
        private int _started;

        public string Name => "hanging";

        public int Started => Volatile.Read(ref _started);

        public ValueTask HandleAsync(EscalationEvent escalation, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _started);
            return new ValueTask(new TaskCompletionSource().Task);
        }
    }
}
