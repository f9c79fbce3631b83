using System.Security.Cryptography;
using System.Text;
using SafeChat.Policies;
using StackExchange.Redis;

namespace SafeChat.Server.Redis;

/// <summary>
/// An <see cref="IPolicyStateStore"/> in Redis, shared by every node: <see cref="TryFireAsync"/> is one Lua script, so
/// exactly one node wins a firing (one escalation, one nudge). Keys are a SHA-256 of the rule, conversation and subject,
/// so no id appears in a key name. A latch expires when untouched for the idle expiry (never before its cooldown).
/// Sender holds (<see cref="ISenderHoldStore"/>) are hashes under <c>hold:</c> keys with no expiry: only a reviewer lifts them.
/// </summary>
internal sealed class RedisPolicyStateStore : IPolicyStateStore, ISenderHoldStore
{
    private const string FireScript = """
        local fired = redis.call('HGET', KEYS[1], 'fired')
        if fired then
          local cleared = redis.call('HGET', KEYS[1], 'cleared')
          if cleared ~= '1' or (tonumber(ARGV[1]) - tonumber(fired)) < tonumber(ARGV[2]) then
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 0
          end
        end
        redis.call('HSET', KEYS[1], 'fired', ARGV[1], 'cleared', '0')
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """;

    private const string ClearScript = """
        if redis.call('HGET', KEYS[1], 'cleared') == '0' then
          redis.call('HSET', KEYS[1], 'cleared', '1')
        end
        return 0
        """;

    private readonly SafeChatRedisConnection _redis;

    public RedisPolicyStateStore(SafeChatRedisConnection redis) => _redis = redis;


    public async ValueTask<bool> TryFireAsync(PolicyStateKey key, DateTimeOffset now, TimeSpan cooldown, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var expiry = _redis.Options.PolicyStateIdleExpiry > cooldown ? _redis.Options.PolicyStateIdleExpiry : cooldown;
        var result = await _redis.RunAsync("policy latch", db => db.ScriptEvaluateAsync(
            FireScript,
            [KeyFor(key)],
            [now.ToUnixTimeMilliseconds(), (long)cooldown.TotalMilliseconds, Math.Max(1, (long)expiry.TotalMilliseconds)])).ConfigureAwait(false);
        return (int)result == 1;
    }


    public async ValueTask MarkClearedAsync(PolicyStateKey key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _redis.RunAsync("policy latch clear", db => db.ScriptEvaluateAsync(ClearScript, [KeyFor(key)])).ConfigureAwait(false);
    }

    public async ValueTask PlaceHoldAsync(string conversationId, string userId, SenderHold hold, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hold);
        cancellationToken.ThrowIfCancellationRequested();
        var key = HoldKey(conversationId, userId);
        await _redis.RunAsync("sender hold", db => db.HashSetAsync(key, "rule", hold.RuleId, When.NotExists)).ConfigureAwait(false);
        await _redis.RunAsync("sender hold", db => db.HashSetAsync(key, "at", hold.PlacedAt.ToUnixTimeMilliseconds(), When.NotExists)).ConfigureAwait(false);
    }

    public async ValueTask<SenderHold?> GetHoldAsync(string conversationId, string userId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var values = await _redis.RunAsync("sender hold read", db => db.HashGetAsync(HoldKey(conversationId, userId), ["rule", "at"])).ConfigureAwait(false);
        return values[0].IsNull
            ? null
            : new SenderHold(values[0].ToString(), DateTimeOffset.FromUnixTimeMilliseconds(values[1].IsNull ? 0 : (long)values[1]));
    }

    public async ValueTask<bool> LiftHoldAsync(string conversationId, string userId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await _redis.RunAsync("sender hold lift", db => db.KeyDeleteAsync(HoldKey(conversationId, userId))).ConfigureAwait(false);
    }

    private RedisKey HoldKey(string conversationId, string userId)
    {
        var material = new StringBuilder()
            .Append(conversationId.Length).Append(':').Append(conversationId).Append('|')
            .Append(userId.Length).Append(':').Append(userId)
            .ToString();
        return _redis.Prefix + "hold:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)));
    }

    private RedisKey KeyFor(PolicyStateKey key)
    {
        var material = new StringBuilder()
            .Append(key.RuleId.Length).Append(':').Append(key.RuleId).Append('|')
            .Append(key.ConversationId.Length).Append(':').Append(key.ConversationId).Append('|')
            .Append(key.SubjectId.Length).Append(':').Append(key.SubjectId)
            .ToString();
        return _redis.Prefix + "policy:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)));
    }
}
