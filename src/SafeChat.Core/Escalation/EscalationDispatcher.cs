using System.Diagnostics.Metrics;
using System.Threading.Channels;

namespace SafeChat.Escalation;

/// <summary>
/// Hands escalations to every <see cref="IEscalationHandler"/>, each isolated from the others.
/// </summary>
/// <remarks>
/// <para>
/// This is the entry point the engine calls for every <c>PolicyAction.Escalate</c> decision (see
/// <see cref="EscalationEvents.FromDecision"/>). Escalations go into one bounded queue with a single reader, which copies
/// each one into a small bounded queue per handler. Every handler runs on its own loop with a per-handler timeout, so a
/// handler that throws, hangs or falls behind only ever delays or loses its own copy; the others carry on.
/// </para>
/// <para>
/// Every drop and every handler failure is counted on the "SafeChat" meter (<c>safechat.escalations</c> with
/// <c>outcome=dropped</c>, <c>safechat.escalations.handler_failures</c>). For durability, register a handler that
/// writes to a durable outbox (the webhook handler in <c>SafeChat.Webhooks</c> does) rather than one that does slow
/// network work in-process.
/// </para>
/// </remarks>
public sealed class EscalationDispatcher : IAsyncDisposable
{
    private readonly Channel<EscalationEvent> _queue;
    private readonly HandlerLane[] _lanes;
    private readonly EscalationDispatcherOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly EscalationMetrics _metrics;
    private readonly CancellationTokenSource _abandon = new();
    private readonly Task _reader;
    private int _disposed;

    /// <summary>Creates a dispatcher and starts its loops.</summary>
    /// <param name="handlers">The handlers; each gets every escalation. Names should be unique (they tag metrics).</param>
    /// <param name="options">Queue sizes and timeouts; defaults when null.</param>
    /// <param name="timeProvider">The clock for handler timeouts; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="meterFactory">Creates the "SafeChat" meter; a private meter when null.</param>
    public EscalationDispatcher(
        IEnumerable<IEscalationHandler> handlers,
        EscalationDispatcherOptions? options = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
    {
        if (handlers is null)
        {
            throw new ArgumentNullException(nameof(handlers));
        }

        _options = options ?? new EscalationDispatcherOptions();
        _options.Validate();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _metrics = new EscalationMetrics(meterFactory);

        var lanes = new List<HandlerLane>();
        foreach (var handler in handlers)
        {
            if (handler is null)
            {
                throw new ArgumentException($"handlers[{lanes.Count}] is null.", nameof(handlers));
            }

            lanes.Add(new HandlerLane(this, handler));
        }

        _lanes = [.. lanes];
        _queue = Channel.CreateBounded<EscalationEvent>(new BoundedChannelOptions(_options.Capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });

        foreach (var lane in _lanes)
        {
            lane.Start();
        }

        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>The names of the registered handlers, in registration order.</summary>
    public IReadOnlyList<string> HandlerNames => [.. _lanes.Select(l => l.Handler.Name)];

    /// <summary>
    /// Queues an escalation without waiting. Returns false, and counts a drop, when the queue is full or the dispatcher
    /// is disposed. Prefer <see cref="DispatchAsync"/>, which waits for room instead of dropping.
    /// </summary>
    public bool TryDispatch(EscalationEvent escalation)
    {
        if (escalation is null)
        {
            throw new ArgumentNullException(nameof(escalation));
        }

        if (Volatile.Read(ref _disposed) != 0 || !_queue.Writer.TryWrite(escalation))
        {
            _metrics.Dropped(escalation, Volatile.Read(ref _disposed) != 0 ? "disposed" : "queue_full");
            return false;
        }

        _metrics.Accepted(escalation);
        return true;
    }

    /// <summary>
    /// Queues an escalation, waiting for room when the queue is full (back-pressure rather than loss).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The dispatcher is disposed; the escalation is counted as dropped.</exception>
    public async ValueTask DispatchAsync(EscalationEvent escalation, CancellationToken cancellationToken = default)
    {
        if (escalation is null)
        {
            throw new ArgumentNullException(nameof(escalation));
        }

        try
        {
            await _queue.Writer.WriteAsync(escalation, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            _metrics.Dropped(escalation, "disposed");
            throw new ObjectDisposedException(nameof(EscalationDispatcher), $"The dispatcher is disposed; escalation for rule '{escalation.RuleId}' was not dispatched.");
        }
        catch (OperationCanceledException)
        {
            _metrics.Dropped(escalation, "cancelled");
            throw;
        }

        _metrics.Accepted(escalation);
    }

    /// <summary>
    /// Stops accepting escalations, lets every handler finish what is queued (up to
    /// <see cref="EscalationDispatcherOptions.DrainTimeout"/>), then abandons the rest and counts it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        var all = Task.WhenAll([_reader, .. _lanes.Select(l => l.Completion)]);
        try
        {
            await all.WaitAsync(_options.DrainTimeout, _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _abandon.Cancel();
            await all.ConfigureAwait(false);
        }

        _abandon.Dispose();
        _metrics.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var escalation))
            {
                foreach (var lane in _lanes)
                {
                    lane.Offer(escalation);
                }
            }
        }

        foreach (var lane in _lanes)
        {
            lane.Complete();
        }
    }

    private sealed class HandlerLane(EscalationDispatcher owner, IEscalationHandler handler)
    {
        private readonly Channel<EscalationEvent> _queue = Channel.CreateBounded<EscalationEvent>(new BoundedChannelOptions(owner._options.HandlerQueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
        });

        private readonly string _name = string.IsNullOrEmpty(handler.Name) ? handler.GetType().Name : handler.Name;

        public IEscalationHandler Handler { get; } = handler;

        public Task Completion { get; private set; } = Task.CompletedTask;

        public void Start() => Completion = Task.Run(RunAsync);

        public void Offer(EscalationEvent escalation)
        {
            if (!_queue.Writer.TryWrite(escalation))
            {
                owner._metrics.HandlerFailed(_name, escalation, "queue_full");
            }
        }

        public void Complete() => _queue.Writer.TryComplete();

        private async Task RunAsync()
        {
            var reader = _queue.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var escalation))
                {
                    if (owner._abandon.IsCancellationRequested)
                    {
                        owner._metrics.HandlerFailed(_name, escalation, "shutdown");
                        continue;
                    }

                    await InvokeAsync(escalation).ConfigureAwait(false);
                }
            }
        }

        private async Task InvokeAsync(EscalationEvent escalation)
        {
            using var timeout = TimeProviderCompat.CreateTimeoutSource(owner._timeProvider, owner._options.HandlerTimeout);

            // Task.Run so that a handler that blocks synchronously is still bounded by the timeout.
            var handling = Task.Run(() => Handler.HandleAsync(escalation, timeout.Token).AsTask());
            try
            {
                await handling.WaitAsync(owner._options.HandlerTimeout, owner._timeProvider, owner._abandon.Token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Abandon(handling);
                owner._metrics.HandlerFailed(_name, escalation, "timeout");
            }
            catch (OperationCanceledException) when (owner._abandon.IsCancellationRequested)
            {
                Abandon(handling);
                owner._metrics.HandlerFailed(_name, escalation, "shutdown");
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                owner._metrics.HandlerFailed(_name, escalation, "timeout");
            }
#pragma warning disable CA1031 // A handler's exception must never reach the engine or the other handlers.
            catch (Exception)
#pragma warning restore CA1031
            {
                owner._metrics.HandlerFailed(_name, escalation, "exception");
            }
        }

        // A hung handler keeps running in the background; observe its eventual fault so it is not rethrown elsewhere.
        private static void Abandon(Task handling) =>
            handling.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
