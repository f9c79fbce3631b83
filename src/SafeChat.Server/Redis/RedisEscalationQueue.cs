using System.Text.Json;
using SafeChat.Escalation;
using SafeChat.Server.Moderation;
using StackExchange.Redis;

namespace SafeChat.Server.Redis;

/// <summary>
/// An <see cref="IEscalationQueue"/> in Redis, shared by every node: one hash per escalation (event JSON, status,
/// review, appeal) and a sorted set ordering them by a recording sequence. Adding is one Lua script keyed on the
/// idempotency key, so two nodes raising the same escalation record it once. Records expire after the retention.
/// </summary>
internal sealed class RedisEscalationQueue : IEscalationQueue
{
    private const string AddScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then
          return 0
        end
        redis.call('HSET', KEYS[1], 'event', ARGV[2], 'status', 'open')
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
        return 1
        """;

    // Returns 0 updated, 1 not found, 2 conflict.
    private const string ReviewScript = """
        local status = redis.call('HGET', KEYS[1], 'status')
        if not status then
          return 1
        end
        if status ~= 'open' and status ~= 'appealed' then
          return 2
        end
        redis.call('HSET', KEYS[1], 'status', ARGV[1], 'review', ARGV[2])
        return 0
        """;

    private const string AppealScript = """
        local status = redis.call('HGET', KEYS[1], 'status')
        if not status then
          return 1
        end
        if status ~= 'confirmed' or redis.call('HEXISTS', KEYS[1], 'appeal') == 1 then
          return 2
        end
        redis.call('HSET', KEYS[1], 'status', 'appealed', 'appeal', ARGV[1])
        return 0
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly SafeChatRedisConnection _redis;

    public RedisEscalationQueue(SafeChatRedisConnection redis) => _redis = redis;

    public async ValueTask<bool> TryAddAsync(EscalationEvent escalation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        ArgumentException.ThrowIfNullOrEmpty(escalation.IdempotencyKey, nameof(escalation));
        var result = await _redis.RunAsync("escalation record", db => db.ScriptEvaluateAsync(
            AddScript,
            [ItemKey(escalation.IdempotencyKey), IndexKey, SequenceKey],
            [escalation.IdempotencyKey, JsonSerializer.Serialize(escalation, Json), Math.Max(1, (long)_redis.Options.EscalationRetention.TotalMilliseconds)])).ConfigureAwait(false);
        return (int)result == 1;
    }

    public async ValueTask<IReadOnlyList<EscalationRecord>> ListAsync(EscalationStatus? status, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        const int Page = 100;
        var records = new List<EscalationRecord>();
        for (long start = 0; records.Count < limit; start += Page)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ids = await _redis.RunAsync("escalation list", db => db.SortedSetRangeByRankAsync(IndexKey, start, start + Page - 1, Order.Descending)).ConfigureAwait(false);
            if (ids.Length == 0)
            {
                break;
            }

            var expired = new List<RedisValue>();
            foreach (var id in ids)
            {
                var record = await GetAsync(id!, cancellationToken).ConfigureAwait(false);
                if (record is null)
                {
                    expired.Add(id);
                }
                else if (status is null || record.Status == status)
                {
                    records.Add(record);
                    if (records.Count == limit)
                    {
                        break;
                    }
                }
            }

            if (expired.Count > 0)
            {
                // Records past their retention leave the index lazily.
                await _redis.RunAsync("escalation prune", db => db.SortedSetRemoveAsync(IndexKey, [.. expired])).ConfigureAwait(false);
                start -= expired.Count;
            }
        }

        return records;
    }

    public async ValueTask<EscalationRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        var fields = await _redis.RunAsync("escalation read", db => db.HashGetAsync(ItemKey(id), ["event", "status", "review", "appeal"])).ConfigureAwait(false);
        if (fields[0].IsNull)
        {
            return null;
        }

        var escalation = JsonSerializer.Deserialize<EscalationEvent>((string)fields[0]!, Json)
            ?? throw new InvalidOperationException("A SafeChat escalation record in Redis is malformed.");
        return new EscalationRecord(escalation, ParseStatus((string?)fields[1]))
        {
            Review = fields[2].IsNull ? null : JsonSerializer.Deserialize<EscalationReview>((string)fields[2]!, Json),
            Appeal = fields[3].IsNull ? null : JsonSerializer.Deserialize<EscalationAppeal>((string)fields[3]!, Json),
        };
    }

    public async ValueTask<EscalationUpdateResult> ReviewAsync(string id, EscalationReview review, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(review);
        if (string.IsNullOrEmpty(id))
        {
            return EscalationUpdateResult.NotFound;
        }

        var status = review.Outcome == ReviewOutcome.Confirmed ? EscalationStatus.Confirmed : EscalationStatus.FalsePositive;
        var result = await _redis.RunAsync("escalation review", db => db.ScriptEvaluateAsync(
            ReviewScript,
            [ItemKey(id)],
            [ModerationApi.StatusName(status), JsonSerializer.Serialize(review, Json)])).ConfigureAwait(false);
        return (EscalationUpdateResult)(int)result;
    }

    public async ValueTask<EscalationUpdateResult> AppealAsync(string id, EscalationAppeal appeal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(appeal);
        if (string.IsNullOrEmpty(id))
        {
            return EscalationUpdateResult.NotFound;
        }

        var result = await _redis.RunAsync("escalation appeal", db => db.ScriptEvaluateAsync(
            AppealScript,
            [ItemKey(id)],
            [JsonSerializer.Serialize(appeal, Json)])).ConfigureAwait(false);
        return (EscalationUpdateResult)(int)result;
    }

    // One hash tag for the whole queue so the add script's keys share a cluster slot.
    private RedisKey IndexKey => _redis.Prefix + "{esc}:index";

    private RedisKey SequenceKey => _redis.Prefix + "{esc}:seq";

    private RedisKey ItemKey(string id) => _redis.Prefix + "{esc}:item:" + id;

    private static EscalationStatus ParseStatus(string? status) => status switch
    {
        "confirmed" => EscalationStatus.Confirmed,
        "false_positive" => EscalationStatus.FalsePositive,
        "appealed" => EscalationStatus.Appealed,
        _ => EscalationStatus.Open,
    };
}
