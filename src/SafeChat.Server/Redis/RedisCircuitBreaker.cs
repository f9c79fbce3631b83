namespace SafeChat.Server.Redis;

/// <summary>
/// A small circuit breaker around Redis calls: after <c>failureThreshold</c> consecutive failures it opens, and every
/// call fails at once (no network, no timeout) for the break duration; then one probe is let through, which closes the
/// circuit on success or opens it again on failure. A hung Redis therefore costs a few operation timeouts, not one per
/// message. Thread-safe; its clock is the host's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class RedisCircuitBreaker
{
    private readonly object _gate = new();
    private readonly int _failureThreshold;
    private readonly TimeSpan _breakDuration;
    private readonly TimeProvider _timeProvider;
    private CircuitState _state;
    private int _consecutiveFailures;
    private DateTimeOffset _openedAt;
    private bool _probeInFlight;
    private long _attempts;
    private long _rejections;

    public RedisCircuitBreaker(int failureThreshold, TimeSpan breakDuration, TimeProvider timeProvider)
    {
        _failureThreshold = failureThreshold;
        _breakDuration = breakDuration;
        _timeProvider = timeProvider;
    }

    /// <summary>Raised (outside the lock) when the circuit opens, with the number of consecutive failures.</summary>
    public event Action<int>? Opened;

    /// <summary>Raised (outside the lock) when a probe succeeds and the circuit closes again.</summary>
    public event Action? Closed;

    public CircuitState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Calls that were let through to Redis.</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Calls refused at once because the circuit was open (or a probe was already in flight).</summary>
    public long Rejections => Interlocked.Read(ref _rejections);

    /// <summary>Asks to make a call: true when it may go to Redis (then report it with <see cref="OnSuccess"/> or <see cref="OnFailure"/>).</summary>
    public bool TryEnter(out bool isProbe)
    {
        isProbe = false;
        lock (_gate)
        {
            if (_state == CircuitState.Open && _timeProvider.GetUtcNow() - _openedAt >= _breakDuration)
            {
                _state = CircuitState.HalfOpen;
                _probeInFlight = false;
            }

            if (_state == CircuitState.Open || (_state == CircuitState.HalfOpen && _probeInFlight))
            {
                _rejections++;
                return false;
            }

            if (_state == CircuitState.HalfOpen)
            {
                _probeInFlight = true;
                isProbe = true;
            }

            _attempts++;
            return true;
        }
    }

    public void OnSuccess(bool isProbe)
    {
        bool closed;
        lock (_gate)
        {
            _consecutiveFailures = 0;
            closed = _state == CircuitState.HalfOpen && isProbe;
            if (closed)
            {
                _state = CircuitState.Closed;
                _probeInFlight = false;
            }
        }

        if (closed)
        {
            Closed?.Invoke();
        }
    }

    public void OnFailure(bool isProbe)
    {
        int opened = 0;
        lock (_gate)
        {
            _consecutiveFailures++;
            if ((_state == CircuitState.HalfOpen && isProbe) || (_state == CircuitState.Closed && _consecutiveFailures >= _failureThreshold))
            {
                _state = CircuitState.Open;
                _openedAt = _timeProvider.GetUtcNow();
                _probeInFlight = false;
                opened = _consecutiveFailures;
            }
        }

        if (opened > 0)
        {
            Opened?.Invoke(opened);
        }
    }

    /// <summary>Reports a call that ended without saying anything about Redis (for example cancelled): frees a probe slot.</summary>
    public void OnAbandoned(bool isProbe)
    {
        if (!isProbe)
        {
            return;
        }

        lock (_gate)
        {
            _probeInFlight = false;
        }
    }
}
