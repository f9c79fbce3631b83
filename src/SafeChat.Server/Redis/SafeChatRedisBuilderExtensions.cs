using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SafeChat.Policies;
using SafeChat.Server.Moderation;
using SafeChat.Server.Redis;
using SafeChat.State;
using StackExchange.Redis;

namespace SafeChat.Server;

/// <summary>Adds the Redis backend to the SafeChat server.</summary>
public static class SafeChatRedisBuilderExtensions
{
    /// <summary>
    /// Keeps conversation state, user state, policy fire-once latches, freezes and the moderation queue in Redis, so
    /// several server nodes share them. Uses the <see cref="IConnectionMultiplexer"/> registered in DI when there is one,
    /// otherwise creates one multiplexer from <see cref="SafeChatRedisOptions.Configuration"/>. Options are validated on start.
    /// </summary>
    public static ISafeChatServerBuilder AddRedis(this ISafeChatServerBuilder builder, Action<SafeChatRedisOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<SafeChatRedisOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SafeChatRedisOptions>, SafeChatRedisOptionsValidator>());
        services.TryAddSingleton<SafeChatRedisConnection>();
        services.Replace(ServiceDescriptor.Singleton<IConversationStateStore>(sp => new RedisConversationStateStore(
            sp.GetRequiredService<SafeChatRedisConnection>(),
            sp.GetRequiredService<IOptions<SafeChatServerOptions>>().Value.Engine.ConversationIdleTimeout,
            sp.GetRequiredService<IOptions<SafeChatServerOptions>>().Value.Engine.ConversationDormancy)));
        services.Replace(ServiceDescriptor.Singleton<IUserStateStore>(sp =>
        {
            var engine = sp.GetRequiredService<IOptions<SafeChatServerOptions>>().Value.Engine;
            return new RedisUserStateStore(sp.GetRequiredService<SafeChatRedisConnection>(), engine.UserIdleTimeout, engine.MaxContactsPerUser);
        }));
        services.Replace(ServiceDescriptor.Singleton<IPolicyStateStore>(sp => new RedisPolicyStateStore(sp.GetRequiredService<SafeChatRedisConnection>())));
        services.Replace(ServiceDescriptor.Singleton<IEscalationQueue>(sp => new RedisEscalationQueue(sp.GetRequiredService<SafeChatRedisConnection>())));
        services.Replace(ServiceDescriptor.Singleton<IConversationFreezeStore>(sp => new RedisConversationFreezeStore(sp.GetRequiredService<SafeChatRedisConnection>())));
        return builder;
    }
}

internal sealed class SafeChatRedisOptionsValidator(IServiceProviderIsService services) : IValidateOptions<SafeChatRedisOptions>
{
    public ValidateOptionsResult Validate(string? name, SafeChatRedisOptions options)
    {
        var failures = new List<string>();
        if (!services.IsService(typeof(IConnectionMultiplexer)))
        {
            if (string.IsNullOrWhiteSpace(options.Configuration))
            {
                failures.Add("SafeChatRedisOptions.Configuration is required (for example \"127.0.0.1:6379\") unless an IConnectionMultiplexer is registered.");
            }
            else
            {
                try
                {
                    ConfigurationOptions.Parse(options.Configuration);
                }
                catch (ArgumentException ex)
                {
                    failures.Add($"SafeChatRedisOptions.Configuration is not a valid StackExchange.Redis configuration: {ex.Message}");
                }
            }
        }

        if (string.IsNullOrEmpty(options.KeyPrefix))
        {
            failures.Add("SafeChatRedisOptions.KeyPrefix must not be empty.");
        }

        CheckRange(failures, nameof(options.OperationTimeout), options.OperationTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(60));
        CheckRange(failures, nameof(options.ConnectTimeout), options.ConnectTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(60));
        if (options.BreakerFailureThreshold is < 1 or > 1000)
        {
            failures.Add($"SafeChatRedisOptions.BreakerFailureThreshold must be between 1 and 1000 (was {options.BreakerFailureThreshold}).");
        }

        CheckRange(failures, nameof(options.BreakerDuration), options.BreakerDuration, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        CheckRange(failures, nameof(options.EscalationRetention), options.EscalationRetention, TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650));
        CheckRange(failures, nameof(options.PolicyStateIdleExpiry), options.PolicyStateIdleExpiry, TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650));
        CheckRange(failures, nameof(options.FreezeRetention), options.FreezeRetention, TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckRange(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"SafeChatRedisOptions.{name} must be between {min} and {max} (was {value}).");
        }
    }
}
