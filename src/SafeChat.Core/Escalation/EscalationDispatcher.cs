using System.Diagnostics.Metrics;

namespace SafeChat.Escalation;

/// <summary>
/// Accepts escalations into an <see cref="IEscalationStore"/> and feeds every <see cref="IEscalationHandler"/> from it,
/// each isolated from the others, with retries.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="DispatchAsync"/> returns only once the escalation is in the store: with a durable store (for example
/// <c>SqliteOutbox</c> in SafeChat.Webhooks) an accepted escalation survives a crash and is delivered by the next
/// dispatcher on the same store. The store is the only de-duplication point: an escalation whose idempotency key is
/// already stored is not stored or delivered again (<see cref="DispatchAsync"/> returns false). Nothing is ever dropped
/// because a handler is slow: handlers read from the store at their own pace, and when a bounded store is full
/// <see cref="DispatchAsync"/> waits (back-pressure).
/// </para>
/// <para>
/// Every handler runs on its own loop. A handler that throws, hangs (abandoned after
/// <see cref="EscalationDispatcherOptions.HandlerTimeout"/>) or fails is retried with exponential backoff and jitter
/// (<see cref="EscalationDispatcherOptions.BackoffFor"/>, or a later <see cref="EscalationHandlerException.RetryAfter"/>)
/// and dead-lettered after <see cref="EscalationDispatcherOptions.MaxAttempts"/> or a permanent
/// <see cref="EscalationHandlerException"/>; the other handlers carry on. Each handler gets each key once: at-least-once
/// when the process dies between a handler's success and the store's update, in which case the same key is delivered
/// again after the restart.
/// </para>
/// <para>
/// Metrics on the "SafeChat" meter carry no ids and no text: <c>safechat.escalations</c>,
/// <c>safechat.escalations.deliveries</c>, <c>safechat.escalations.dead_letters</c>,
/// <c>safechat.escalations.handler_failures</c> and <c>safechat.escalations.store_errors</c>.
/// </para>
/// </remarks>
public sealed class EscalationDispatcher : IAsyncDisposable
{
    private readonly IEscalationStore _store;
    private readonly bool _ownsStore;
    private readonly Lane[] _lanes;
    private readonly string[] _handlerNames;
    private readonly EscalationDispatcherOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly EscalationMetrics _metrics;
    private readonly CancellationTokenSource _abandon = new();
    private readonly object _randomGate = new();
    private readonly Random _random = new();
    private readonly TaskCompletionSource<bool> _noDispatchInFlight = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _draining;
    private int _disposed;
    private int _dispatching;

    /// <summary>
    /// Creates a dispatcher over a new <see cref="InMemoryEscalationStore"/>, which is <b>not durable</b>: escalations
    /// not yet delivered are lost with the process. Use the overload that takes a durable store for anything that must
    /// survive a crash.
    /// </summary>
    /// <param name="handlers">The handlers; each gets every escalation once. Their names must be unique.</param>
    /// <param name="options">Timeouts and retry settings; defaults when null.</param>
    /// <param name="timeProvider">The clock for timeouts and retries; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="meterFactory">Creates the "SafeChat" meter; a private meter when null.</param>
    public EscalationDispatcher(
        IEnumerable<IEscalationHandler> handlers,
        EscalationDispatcherOptions? options = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
        : this(new InMemoryEscalationStore(), handlers, options, timeProvider, meterFactory, ownsStore: true)
    {
    }

    /// <summary>Creates a dispatcher over a store and starts one loop per handler, which resumes what the store still owes it.</summary>
    /// <param name="store">Where accepted escalations are kept until every handler has them.</param>
    /// <param name="handlers">The handlers; each gets every escalation once. Their names must be unique: they key the delivery state in the store.</param>
    /// <param name="options">Timeouts and retry settings; defaults when null.</param>
    /// <param name="timeProvider">The clock for timeouts and retries; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="meterFactory">Creates the "SafeChat" meter; a private meter when null.</param>
    public EscalationDispatcher(
        IEscalationStore store,
        IEnumerable<IEscalationHandler> handlers,
        EscalationDispatcherOptions? options = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
        : this(store, handlers, options, timeProvider, meterFactory, ownsStore: false)
    {
    }

    private EscalationDispatcher(
        IEscalationStore store,
        IEnumerable<IEscalationHandler> handlers,
        EscalationDispatcherOptions? options,
        TimeProvider? timeProvider,
        IMeterFactory? meterFactory,
        bool ownsStore)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        if (handlers is null)
        {
            throw new ArgumentNullException(nameof(handlers));
        }

        _options = options ?? new EscalationDispatcherOptions();
        _options.Validate();
        _timeProvider = timeProvider ?? TimeProvider.System;

        var lanes = new List<Lane>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            if (handler is null)
            {
                throw new ArgumentException($"handlers[{lanes.Count}] is null.", nameof(handlers));
            }

            var name = string.IsNullOrEmpty(handler.Name) ? handler.GetType().Name : handler.Name;
            if (names.TryGetValue(name, out var first))
            {
                throw new ArgumentException(
                    $"handlers[{lanes.Count}] is named '{name}', like handlers[{first}]; handler names key the delivery state in the store and must be unique.",
                    nameof(handlers));
            }

            names[name] = lanes.Count;
            lanes.Add(new Lane(this, handler, name));
        }

        _ownsStore = ownsStore;
        _metrics = new EscalationMetrics(meterFactory);
        _lanes = [.. lanes];
        _handlerNames = [.. lanes.Select(l => l.Name)];
        foreach (var lane in _lanes)
        {
            lane.Start();
        }
    }

    /// <summary>The store escalations are accepted into.</summary>
    public IEscalationStore Store => _store;

    /// <summary>The names of the registered handlers, in registration order.</summary>
    public IReadOnlyList<string> HandlerNames => _handlerNames;

    /// <summary>A uniform [0, 1) source for jitter; replaceable for tests.</summary>
    internal Func<double>? Random { get; set; }

    /// <summary>
    /// Accepts an escalation: returns once it is in the store (on disk with a durable store), waiting for room when a
    /// bounded store is full. True when it was new; false when its idempotency key was already stored, in which case
    /// nothing is stored or delivered again.
    /// </summary>
    /// <param name="escalation">The escalation, for example one of <c>MessageEvaluation.Escalations</c>.</param>
    /// <param name="cancellationToken">Cancels waiting for room; the escalation is then not accepted.</param>
    /// <exception cref="ObjectDisposedException">The dispatcher is disposed; the escalation is not accepted.</exception>
    public async ValueTask<bool> DispatchAsync(EscalationEvent escalation, CancellationToken cancellationToken = default)
    {
        if (escalation is null)
        {
            throw new ArgumentNullException(nameof(escalation));
        }

        Interlocked.Increment(ref _dispatching);
        try
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                _metrics.Dropped(escalation, "disposed");
                throw new ObjectDisposedException(nameof(EscalationDispatcher), $"The dispatcher is disposed; the escalation for rule '{escalation.RuleId}' was not accepted.");
            }

            bool added;
            try
            {
                added = await _store.AddAsync(escalation, _handlerNames, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _metrics.Dropped(escalation, "cancelled");
                throw;
            }
            catch (Exception)
            {
                _metrics.Dropped(escalation, "store_error");
                _metrics.StoreError("add");
                throw;
            }

            if (!added)
            {
                _metrics.Duplicate(escalation);
                return false;
            }

            _metrics.Accepted(escalation);
            Wake();
            return true;
        }
        finally
        {
            if (Interlocked.Decrement(ref _dispatching) == 0 && Volatile.Read(ref _disposed) != 0)
            {
                _noDispatchInFlight.TrySetResult(true);
            }
        }
    }

    /// <summary>Wakes every handler loop to look at the store now (for example after an operator requeued a dead letter).</summary>
    public void Wake()
    {
        foreach (var lane in _lanes)
        {
            lane.Wake();
        }
    }

    /// <summary>
    /// Stops accepting escalations and lets every handler work through what is due (up to
    /// <see cref="EscalationDispatcherOptions.DrainTimeout"/>), then stops the handlers. What was not delivered stays in
    /// the store: a durable store hands it to the next dispatcher; an in-memory store loses it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // A DispatchAsync already past its check finishes first, so that the lanes see what it stored.
        if (Volatile.Read(ref _dispatching) != 0)
        {
            try
            {
                await _noDispatchInFlight.Task.WaitAsync(_options.DrainTimeout, _timeProvider).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A dispatch still waiting for room in a full store: it stays in the store, or is refused.
            }
        }

        _draining = true;
        Wake();
        var all = Task.WhenAll(_lanes.Select(l => l.Completion));
        try
        {
            await all.WaitAsync(_options.DrainTimeout, _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _abandon.Cancel();
            await all.ConfigureAwait(false);
        }

        foreach (var lane in _lanes)
        {
            lane.Dispose();
        }

        _abandon.Dispose();
        _metrics.Dispose();
        if (_ownsStore && _store is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    private double NextRandom()
    {
        if (Random is { } random)
        {
            return random();
        }

        lock (_randomGate)
        {
            return _random.NextDouble();
        }
    }

    private sealed class Lane(EscalationDispatcher owner, IEscalationHandler handler, string name) : IDisposable
    {
        private readonly SemaphoreSlim _wake = new(0, 1);

        public string Name { get; } = name;

        public Task Completion { get; private set; } = Task.CompletedTask;

        public void Start() => Completion = Task.Run(RunAsync);

        public void Wake()
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

        public void Dispose() => _wake.Dispose();

        private async Task RunAsync()
        {
            var options = owner._options;
            var abandon = owner._abandon.Token;
            while (!abandon.IsCancellationRequested)
            {
                // Only a read that began after the drain started may end the lane: an empty read from before it can
                // miss escalations accepted while this lane was between the read and the drain check.
                var drainingBeforeRead = owner._draining;
                IReadOnlyList<PendingEscalation> due;
                try
                {
                    due = await owner._store.GetDueAsync(Name, owner._timeProvider.GetUtcNow(), options.BatchSize, abandon).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (abandon.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // The loop must survive a transient store error (a locked or full disk) and try again.
                catch (Exception)
#pragma warning restore CA1031
                {
                    owner._metrics.StoreError("read");
                    if (owner._draining)
                    {
                        return;
                    }

                    await WaitAsync(options.PollInterval).ConfigureAwait(false);
                    continue;
                }

                if (due.Count == 0)
                {
                    if (drainingBeforeRead)
                    {
                        return;
                    }

                    if (owner._draining)
                    {
                        continue;
                    }

                    await WaitAsync(await NextWaitAsync().ConfigureAwait(false)).ConfigureAwait(false);
                    continue;
                }

                // Outcomes are written while the next escalation is handled; all are written before the next read.
                var writes = new List<Task>(due.Count);
                foreach (var pending in due)
                {
                    var result = await InvokeAsync(pending).ConfigureAwait(false);
                    if (result is null)
                    {
                        break;
                    }

                    writes.Add(owner._store.RecordAsync(Name, result, CancellationToken.None).AsTask());
                }

                try
                {
                    await Task.WhenAll(writes).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // An unrecorded outcome leaves the escalation pending: it is delivered again (at-least-once).
                catch (Exception)
#pragma warning restore CA1031
                {
                    owner._metrics.StoreError("write");
                    if (!owner._draining)
                    {
                        await WaitAsync(options.PollInterval).ConfigureAwait(false);
                    }
                }
            }
        }

        private async Task<TimeSpan> NextWaitAsync()
        {
            var poll = owner._options.PollInterval;
            try
            {
                var next = await owner._store.GetNextDueAsync(Name, owner._abandon.Token).ConfigureAwait(false);
                if (next is null)
                {
                    return poll;
                }

                var wait = next.Value - owner._timeProvider.GetUtcNow();
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > poll ? poll : wait;
            }
            catch (OperationCanceledException) when (owner._abandon.IsCancellationRequested)
            {
                return TimeSpan.Zero;
            }
#pragma warning disable CA1031 // Counted; the loop polls again.
            catch (Exception)
#pragma warning restore CA1031
            {
                owner._metrics.StoreError("read");
                return poll;
            }
        }

        // Waits for the delay, a wake-up or shutdown.
        private async Task WaitAsync(TimeSpan delay)
        {
            if (delay <= TimeSpan.Zero)
            {
                return;
            }

            using var either = CancellationTokenSource.CreateLinkedTokenSource(owner._abandon.Token);
            var timer = TimeProviderCompat.Delay(owner._timeProvider, delay, either.Token);
            var woken = _wake.WaitAsync(either.Token);
            await Task.WhenAny(timer, woken).ConfigureAwait(false);
            either.Cancel();
            try
            {
                await Task.WhenAll(timer, woken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        // One attempt; null when the dispatcher abandoned it during shutdown (the escalation stays pending, unchanged).
        private async Task<EscalationDeliveryResult?> InvokeAsync(PendingEscalation pending)
        {
            var escalation = pending.Escalation;
            var attempt = pending.Attempts + 1;
            var options = owner._options;
            using var timeout = TimeProviderCompat.CreateTimeoutSource(owner._timeProvider, options.HandlerTimeout);

            // Task.Run so that a handler that blocks synchronously is still bounded by the timeout.
            var handling = Task.Run(() => handler.HandleAsync(escalation, timeout.Token).AsTask());
            string status;
            var permanent = false;
            TimeSpan? retryAfter = null;
            try
            {
                await handling.WaitAsync(options.HandlerTimeout, owner._timeProvider, owner._abandon.Token).ConfigureAwait(false);
                owner._metrics.Delivery(Name, "delivered", "ok");
                return new EscalationDeliveryResult(escalation.IdempotencyKey, EscalationDeliveryOutcome.Delivered, attempt, owner._timeProvider.GetUtcNow());
            }
            catch (TimeoutException)
            {
                Abandon(handling);
                status = "timeout";
                owner._metrics.HandlerFailed(Name, escalation, "timeout");
            }
            catch (OperationCanceledException) when (owner._abandon.IsCancellationRequested)
            {
                Abandon(handling);
                owner._metrics.HandlerFailed(Name, escalation, "shutdown");
                return null;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                status = "timeout";
                owner._metrics.HandlerFailed(Name, escalation, "timeout");
            }
            catch (EscalationHandlerException ex)
            {
                status = ex.Status;
                permanent = ex.IsPermanent;
                retryAfter = ex.RetryAfter;
                owner._metrics.HandlerFailed(Name, escalation, "refused");
            }
#pragma warning disable CA1031 // A handler's exception must never reach the engine or the other handlers.
            catch (Exception)
#pragma warning restore CA1031
            {
                status = "exception";
                owner._metrics.HandlerFailed(Name, escalation, "exception");
            }

            var now = owner._timeProvider.GetUtcNow();
            if (permanent || attempt >= options.MaxAttempts)
            {
                owner._metrics.Delivery(Name, "dead_letter", status);
                owner._metrics.DeadLetter(Name, status);
                return new EscalationDeliveryResult(escalation.IdempotencyKey, EscalationDeliveryOutcome.DeadLettered, attempt, now, null, status);
            }

            var delay = options.BackoffFor(attempt, owner.NextRandom());
            if (retryAfter is { } hinted && hinted > delay)
            {
                delay = hinted < options.MaxBackoff ? hinted : options.MaxBackoff;
            }

            owner._metrics.Delivery(Name, "retry", status);
            return new EscalationDeliveryResult(escalation.IdempotencyKey, EscalationDeliveryOutcome.Retry, attempt, now, now + delay, status);
        }

        // A hung handler keeps running in the background; observe its eventual fault so it is not rethrown elsewhere.
        private static void Abandon(Task handling) =>
            handling.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
