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
            OperationTimeout = TimeSpan.FromMilliseconds(500),
            ConnectTimeout = TimeSpan.FromMilliseconds(500),
        }));

    public static string UniquePrefix() => $"test-{Guid.NewGuid():N}:";
}
