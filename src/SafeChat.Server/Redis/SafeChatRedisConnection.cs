using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SafeChat.Server.Redis;

/// <summary>
/// The Redis connection SafeChat's stores share: the host's <see cref="IConnectionMultiplexer"/> from DI when there is
/// one, else one multiplexer created on first use from <see cref="SafeChatRedisOptions.Configuration"/> and disposed with
/// the host. Turns connection failures and timeouts into <see cref="SafeChatStateUnavailableException"/>.
/// </summary>
internal sealed class SafeChatRedisConnection : IDisposable
{
    private readonly Lazy<IConnectionMultiplexer> _multiplexer;
    private readonly bool _owned;

    public SafeChatRedisConnection(IServiceProvider services, IOptions<SafeChatRedisOptions> options)
    {
        Options = options.Value;
        Prefix = Options.KeyPrefix;
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
        try
        {
            return await action(Database).ConfigureAwait(false);
        }
        catch (RedisConnectionException ex)
        {
            throw Unavailable(operation, ex);
        }
        catch (RedisTimeoutException ex)
        {
            throw Unavailable(operation, ex);
        }
        catch (RedisServerException ex) when (IsTransient(ex.Message))
        {
            throw Unavailable(operation, ex);
        }
        catch (ObjectDisposedException ex)
        {
            throw Unavailable(operation, ex);
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
