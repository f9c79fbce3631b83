using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SafeChat.Server.Redis;

namespace SafeChat.Server.Tests.Support;

/// <summary>Builds the Redis stores over their own connection (one per simulated node), isolated by a key prefix.</summary>
internal static class RedisStores
{
    public static SafeChatRedisConnection Connect(RedisServer server, string prefix) =>
        new(new ServiceCollection().BuildServiceProvider(), Options.Create(new SafeChatRedisOptions
        {
            Configuration = server.Configuration,
            KeyPrefix = prefix,
            OperationTimeout = RedisTestTimeouts.Default,
            ConnectTimeout = RedisTestTimeouts.Default,
        }));

    public static string UniquePrefix() => $"test-{Guid.NewGuid():N}:";
}

/// <summary>Redis timeouts for tests against a live server on a loaded machine.</summary>
internal static class RedisTestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(5);

    /// <summary>For tests that kill Redis on purpose and must notice it quickly.</summary>
    public static readonly TimeSpan Outage = TimeSpan.FromMilliseconds(500);
}
