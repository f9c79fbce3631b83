using SafeChat.Server.Moderation;
using StackExchange.Redis;

namespace SafeChat.Server.Redis;

/// <summary>An <see cref="IConversationFreezeStore"/> in Redis, shared by every node. A freeze expires after the freeze retention.</summary>
internal sealed class RedisConversationFreezeStore(SafeChatRedisConnection redis) : IConversationFreezeStore
{
    public async ValueTask FreezeAsync(string conversationId, string ruleId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentException.ThrowIfNullOrEmpty(ruleId);
        await redis.RunAsync("freeze", db => db.StringSetAsync(Key(conversationId), ruleId, redis.Options.FreezeRetention, When.NotExists)).ConfigureAwait(false);
    }

    public async ValueTask<string?> GetFreezeAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        var value = await redis.RunAsync("freeze read", db => db.StringGetAsync(Key(conversationId))).ConfigureAwait(false);
        return value.IsNull ? null : (string?)value;
    }

    public async ValueTask<bool> UnfreezeAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return await redis.RunAsync("unfreeze", db => db.KeyDeleteAsync(Key(conversationId))).ConfigureAwait(false);
    }

    private RedisKey Key(string conversationId) => redis.Prefix + "conv:{" + conversationId + "}:frozen";
}
