using System.Diagnostics;
using System.Diagnostics.Metrics;
using SafeChat.Escalation;

namespace SafeChat.Retention;

/// <summary>
/// Runs <see cref="IRetentionTarget.PurgeExpiredAsync"/> on every target at an interval of the given
/// <see cref="TimeProvider"/>, and counts purged records (<c>safechat.retention.purged</c>, tagged by target name).
/// A failing target is counted (<c>safechat.retention.failures</c>) and does not stop the others.
/// </summary>
public sealed class RetentionSweeper : IAsyncDisposable
{
    private readonly IRetentionTarget[] _targets;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _timeProvider;
    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _purged;
    private readonly Counter<long> _failures;
    private CancellationTokenSource? _stopping;
    private Task _loop = Task.CompletedTask;

    /// <summary>Creates a sweeper; call <see cref="Start"/> to run it periodically, or <see cref="RunOnceAsync"/>.</summary>
    public RetentionSweeper(IEnumerable<IRetentionTarget> targets, TimeSpan interval, TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
    {
        _targets = [.. targets ?? throw new ArgumentNullException(nameof(targets))];
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The sweep interval must be positive.");
        }

        _interval = interval;
        _timeProvider = timeProvider ?? TimeProvider.System;
        var meter = meterFactory?.Create(new MeterOptions("SafeChat")) ?? (_ownedMeter = new Meter("SafeChat"));
        _purged = meter.CreateCounter<long>("safechat.retention.purged", "{record}", "Records purged by retention.");
        _failures = meter.CreateCounter<long>("safechat.retention.failures", "{failure}", "Retention sweeps of a target that failed.");
    }

    /// <summary>Starts sweeping every interval (the first sweep runs immediately).</summary>
    public void Start()
    {
        if (_stopping is not null)
        {
            throw new InvalidOperationException("The retention sweeper is already started.");
        }

        _stopping = new CancellationTokenSource();
        var token = _stopping.Token;
        _loop = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                await RunOnceAsync(token).ConfigureAwait(false);
                try
                {
                    await TimeProviderCompat.Delay(_timeProvider, _interval, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    /// <summary>Sweeps every target once; returns the records purged per target name (-1 for a target that failed).</summary>
    public async ValueTask<IReadOnlyDictionary<string, int>> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var target in _targets)
        {
            try
            {
                var purged = await target.PurgeExpiredAsync(cancellationToken).ConfigureAwait(false);
                result[target.RetentionName] = purged;
                _purged.Add(purged, new KeyValuePair<string, object?>("target", target.RetentionName));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // One failing store must not stop the others from being purged.
            catch (Exception)
#pragma warning restore CA1031
            {
                result[target.RetentionName] = -1;
                _failures.Add(1, new KeyValuePair<string, object?>("target", target.RetentionName));
            }
        }

        return result;
    }

    /// <summary>Stops the periodic sweep.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping is not null)
        {
            _stopping.Cancel();
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            _stopping.Dispose();
        }

        _ownedMeter?.Dispose();
    }
}
