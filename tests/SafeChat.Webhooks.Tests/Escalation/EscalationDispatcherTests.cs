using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using SafeChat.Escalation;
using SafeChat.Webhooks.Tests.Infrastructure;

namespace SafeChat.Webhooks.Tests.Escalation;

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
        }

        Assert.Equal(["room-1", "room-2"], recorder.Received.Select(e => e.ConversationId));
        var measurements = failures.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.Count);
        Assert.All(measurements, m =>
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
        var options = new EscalationDispatcherOptions { HandlerTimeout = TimeSpan.FromSeconds(5) };
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
    public async Task DispatchAsync_SlowHandlerQueueFull_DropsOnlyForThatHandler()
    {
        using var failures = new MetricCollector<long>(_meters, "SafeChat", "safechat.escalations.handler_failures");
        var hanging = new HangingHandler();
        var recorder = new RecordingHandler("recorder");
        var options = new EscalationDispatcherOptions { HandlerQueueCapacity = 1, HandlerTimeout = TimeSpan.FromMinutes(1) };
        var dispatcher = new EscalationDispatcher([hanging, recorder], options, _time, _meters);

        await dispatcher.DispatchAsync(Fixtures.Escalation(conversation: "room-0"));
        await Eventually.TrueAsync(() => hanging.Started == 1, "hanging handler takes the first");
        for (var i = 1; i < 4; i++)
        {
            // Paced so that the recorder's own queue of 1 never fills: only the hanging handler's does.
            await dispatcher.DispatchAsync(Fixtures.Escalation(conversation: $"room-{i}"));
            await Eventually.TrueAsync(() => recorder.Received.Count == i + 1, $"recorder receives {i + 1}");
        }

        // room-1 waits in the hanging handler's queue of 1; room-2 and room-3 are dropped for it alone.
        await Eventually.TrueAsync(() => failures.GetMeasurementSnapshot().Count == 2, "two queue_full drops");
        Assert.All(failures.GetMeasurementSnapshot(), m =>
        {
            Assert.Equal("queue_full", m.Tags["reason"]);
            Assert.Equal("hanging", m.Tags["handler"]);
        });

        await DisposeWhileTimePassesAsync(dispatcher);
    }

    [Fact]
    public async Task DisposeAsync_QueuedEscalations_AreHandledBeforeItReturns()
    {
        var recorder = new RecordingHandler("recorder") { Delay = TimeSpan.FromMilliseconds(2) };
        var dispatcher = new EscalationDispatcher([recorder], timeProvider: _time, meterFactory: _meters);
        for (var i = 0; i < 20; i++)
        {
            Assert.True(dispatcher.TryDispatch(Fixtures.Escalation(conversation: $"room-{i}")));
        }

        await dispatcher.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"room-{i}"), recorder.Received.Select(e => e.ConversationId));
    }

    [Fact]
    public async Task DispatchAsync_AfterDispose_ThrowsAndCountsADrop()
    {
        using var escalations = new MetricCollector<long>(_meters, "SafeChat", "safechat.escalations");
        var dispatcher = new EscalationDispatcher([new RecordingHandler("recorder")], timeProvider: _time, meterFactory: _meters);
        await dispatcher.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => dispatcher.DispatchAsync(Fixtures.Escalation()).AsTask());
        Assert.False(dispatcher.TryDispatch(Fixtures.Escalation()));

        var drops = escalations.GetMeasurementSnapshot();
        Assert.Equal(2, drops.Count);
        Assert.All(drops, m =>
        {
            Assert.Equal("dropped", m.Tags["outcome"]);
            Assert.Equal("disposed", m.Tags["reason"]);
        });
    }

    [Fact]
    public async Task Metrics_Tags_CarryNoIdsOrText()
    {
        using var escalations = new MetricCollector<long>(_meters, "SafeChat", "safechat.escalations");
        using var failures = new MetricCollector<long>(_meters, "SafeChat", "safechat.escalations.handler_failures");
        await using (var dispatcher = new EscalationDispatcher([new ThrowingHandler()], timeProvider: _time, meterFactory: _meters))
        {
            await dispatcher.DispatchAsync(Fixtures.Escalation());
        }

        var all = escalations.GetMeasurementSnapshot().Concat(failures.GetMeasurementSnapshot()).ToList();
        Assert.Equal(2, all.Count);
        var escalation = Fixtures.Escalation();
        foreach (var tag in all.SelectMany(m => m.Tags))
        {
            Assert.Contains(tag.Key, new[] { "outcome", "severity", "shadow", "reason", "handler" });
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

    // Disposal waits on fake-time timeouts (the hung handler's), so let fake time pass until it returns.
    private async Task DisposeWhileTimePassesAsync(EscalationDispatcher dispatcher)
    {
        var disposing = dispatcher.DisposeAsync().AsTask();
        await Eventually.TrueAsync(() => disposing.IsCompleted, "dispose completes", tick: () => _time.Advance(TimeSpan.FromSeconds(10)));
        await disposing;
    }

    private sealed class RecordingHandler(string name) : IEscalationHandler
    {
        private readonly ConcurrentQueue<EscalationEvent> _received = new();

        public string Name => name;

        public TimeSpan Delay { get; init; }

        public IReadOnlyList<EscalationEvent> Received => [.. _received];

        public async ValueTask HandleAsync(EscalationEvent escalation, CancellationToken cancellationToken = default)
        {
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, CancellationToken.None);
            }

            _received.Enqueue(escalation);
        }
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
