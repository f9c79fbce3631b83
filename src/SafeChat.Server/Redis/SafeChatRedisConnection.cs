using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SafeChat.Server.Diagnostics;
using StackExchange.Redis;

namespace SafeChat.Server.Redis;

/// <summary>
/// The Redis connection SafeChat's stores share: the host's <see cref="IConnectionMultiplexer"/> from DI when there is
/// one, else one multiplexer created on first use from <see cref="SafeChatRedisOptions.Configuration"/> and disposed with
/// the host. Turns connection failures and timeouts into <see cref="SafeChatStateUnavailableException"/>, and runs every
/// call through a <see cref="RedisCircuitBreaker"/> so that a hung Redis fails fast once the breaker has opened.
/// </summary>
internal sealed class SafeChatRedisConnection : IDisposable
{
    private readonly Lazy<IConnectionMultiplexer> _multiplexer;
    private readonly bool _owned;

    public SafeChatRedisConnection(IServiceProvider services, IOptions<SafeChatRedisOptions> options)
    {
        Options = options.Value;
        Prefix = Options.KeyPrefix;
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("SafeChat.Server.Redis") ?? NullLogger.Instance;
        Breaker = new RedisCircuitBreaker(Options.BreakerFailureThreshold, Options.BreakerDuration, services.GetService<TimeProvider>() ?? TimeProvider.System);
        Breaker.Opened += failures => Log.RedisCircuitOpened(logger, failures, Options.BreakerDuration);
        Breaker.Closed += () => Log.RedisCircuitClosed(logger);
        var shared = services.GetService<IConnectionMultiplexer>();
        if (shared is not null)
        {
            _multiplexer = new Lazy<IConnectionMultiplexer>(shared);
            return;
        }

        _owned = true;
        _multiplexer = new Lazy<IConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(CreateConfiguration(Options)), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public SafeChatRedisOptions Options { get; }

    public string Prefix { get; }

    public IDatabase Database => _multiplexer.Value.GetDatabase();

    /// <summary>The circuit breaker every call goes through.</summary>
    public RedisCircuitBreaker Breaker { get; }

    public static ConfigurationOptions CreateConfiguration(SafeChatRedisOptions options)
    {
        var configuration = ConfigurationOptions.Parse(options.Configuration!);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        // Fail at once while disconnected instead of queueing: the server applies its failure mode and chat keeps flowing.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy = new LinearRetry(500);
        return configuration;
    }

    /// <summary>Runs one Redis operation, mapping backend outages to <see cref="SafeChatStateUnavailableException"/>.</summary>
    public async Task<T> RunAsync<T>(string operation, Func<IDatabase, Task<T>> action)
    {
        if (!Breaker.TryEnter(out var probe))
        {
            throw new SafeChatStateUnavailableException($"Redis is unavailable for SafeChat's {operation} (circuit open).", new RedisCircuitOpenException());
        }

        var reported = false;
        try
        {
            var result = await action(Database).ConfigureAwait(false);
            Breaker.OnSuccess(probe);
            reported = true;
            return result;
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or ObjectDisposedException
            || (ex is RedisServerException server && IsTransient(server.Message)))
        {
            Breaker.OnFailure(probe);
            reported = true;
            throw Unavailable(operation, ex);
        }
        catch (RedisException)
        {
            // Redis answered (a script or command error): the backend is up.
            Breaker.OnSuccess(probe);
            reported = true;
            throw;
        }
        finally
        {
            if (!reported)
            {
                Breaker.OnAbandoned(probe);
            }
        }
    }

    public async Task RunAsync(string operation, Func<IDatabase, Task> action) =>
        await RunAsync(operation, async db =>
        {
            await action(db).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    public void Dispose()
    {
        if (_owned && _multiplexer.IsValueCreated)
        {
            _multiplexer.Value.Dispose();
        }
    }

    private static SafeChatStateUnavailableException Unavailable(string operation, Exception inner) =>
        new($"Redis is unavailable for SafeChat's {operation}.", inner);

    private static bool IsTransient(string message) =>
        message.StartsWith("LOADING", StringComparison.Ordinal)
        || message.StartsWith("BUSY", StringComparison.Ordinal)
        || message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
        || message.StartsWith("READONLY", StringComparison.Ordinal)
        || message.StartsWith("TRYAGAIN", StringComparison.Ordinal);
}
