using SafeChat.Policies;
using SafeChat.State;
using StackExchange.Redis;

namespace SafeChat.Server.Redis;

/// <summary>
/// An <see cref="IUserStateStore"/> in Redis, shared by every node, so a user's fan-out is counted wherever their
/// messages land: distinct minors and conversations in sorted sets scored by last contact (capped per user, stalest
/// dropped first), messages per minute in a hash for the one-hour count. Each record is one Lua script. Keys expire
/// after the user idle timeout.
/// </summary>
internal sealed class RedisUserStateStore : IUserStateStore
{
    // KEYS: minors, conversations, minutes. ARGV: now ms, day ms, cap, ttl ms, conversation id, minor ids...
    private const string RecordScript = """
        local now = tonumber(ARGV[1])
        local cutoff = now - tonumber(ARGV[2])
        local cap = tonumber(ARGV[3])
        local function touch(key, member)
          redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
          local current = redis.call('ZSCORE', key, member)
          if not current then
            local size = redis.call('ZCARD', key)
            if size >= cap then
              redis.call('ZREMRANGEBYRANK', key, 0, size - cap)
            end
            redis.call('ZADD', key, now, member)
          elseif tonumber(current) < now then
            redis.call('ZADD', key, now, member)
          end
        end
        touch(KEYS[2], ARGV[5])
        for i = 6, #ARGV do
          touch(KEYS[1], ARGV[i])
        end
        local minute = math.floor(now / 60000)
        redis.call('HINCRBY', KEYS[3], tostring(minute), 1)
        local fields = redis.call('HGETALL', KEYS[3])
        local lastHour = 0
        for i = 1, #fields, 2 do
          local m = tonumber(fields[i])
          if m <= minute - 60 then
            redis.call('HDEL', KEYS[3], fields[i])
          elseif m <= minute then
            lastHour = lastHour + tonumber(fields[i + 1])
          end
        end
        for i = 1, 3 do
          redis.call('PEXPIRE', KEYS[i], ARGV[4])
        end
        return {redis.call('ZCOUNT', KEYS[1], '(' .. cutoff, '+inf'), redis.call('ZCOUNT', KEYS[2], '(' .. cutoff, '+inf'), lastHour}
        """;

    private const string CountersScript = """
        local now = tonumber(ARGV[1])
        local cutoff = now - tonumber(ARGV[2])
        local minute = math.floor(now / 60000)
        local fields = redis.call('HGETALL', KEYS[3])
        local lastHour = 0
        for i = 1, #fields, 2 do
          local m = tonumber(fields[i])
          if m > minute - 60 and m <= minute then
            lastHour = lastHour + tonumber(fields[i + 1])
          end
        end
        return {redis.call('ZCOUNT', KEYS[1], '(' .. cutoff, '+inf'), redis.call('ZCOUNT', KEYS[2], '(' .. cutoff, '+inf'), lastHour}
        """;

    private static readonly long DayMilliseconds = (long)TimeSpan.FromHours(24).TotalMilliseconds;

    private readonly SafeChatRedisConnection _redis;
    private readonly TimeSpan _idleTimeout;
    private readonly int _maxContactsPerUser;

    public RedisUserStateStore(SafeChatRedisConnection redis, TimeSpan idleTimeout, int maxContactsPerUser)
    {
        _redis = redis;
        _idleTimeout = idleTimeout;
        _maxContactsPerUser = maxContactsPerUser;
    }

    public async ValueTask<UserCounters> RecordMessageAsync(UserActivity activity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentException.ThrowIfNullOrEmpty(activity.UserId, nameof(activity));
        ArgumentException.ThrowIfNullOrEmpty(activity.ConversationId, nameof(activity));
        cancellationToken.ThrowIfCancellationRequested();

        var arguments = new List<RedisValue>(5 + activity.MinorRecipientIds.Count)
        {
            activity.At.ToUnixTimeMilliseconds(),
            DayMilliseconds,
            _maxContactsPerUser,
            Math.Max(1, (long)_idleTimeout.TotalMilliseconds),
            activity.ConversationId,
        };
        foreach (var minor in activity.MinorRecipientIds)
        {
            if (!string.IsNullOrEmpty(minor) && !string.Equals(minor, activity.UserId, StringComparison.Ordinal))
            {
                arguments.Add(minor);
            }
        }

        var result = await _redis.RunAsync("user record", db => db.ScriptEvaluateAsync(RecordScript, Keys(activity.UserId), [.. arguments])).ConfigureAwait(false);
        return ToCounters(result);
    }

    public async ValueTask<UserCounters> GetCountersAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        cancellationToken.ThrowIfCancellationRequested();
        var result = await _redis.RunAsync("user counters", db => db.ScriptEvaluateAsync(
            CountersScript,
            Keys(userId),
            [at.ToUnixTimeMilliseconds(), DayMilliseconds])).ConfigureAwait(false);
        return ToCounters(result);
    }

    private RedisKey[] Keys(string userId)
    {
        var root = _redis.Prefix + "user:{" + userId + "}:";
        return [root + "minors", root + "convs", root + "minutes"];
    }

    private static UserCounters ToCounters(RedisResult result)
    {
        var parts = (RedisResult[])result!;
        return new UserCounters
        {
            DistinctMinorsContacted24h = (int)parts[0],
            DistinctConversations24h = (int)parts[1],
            MessagesLastHour = (int)parts[2],
        };
    }
}
