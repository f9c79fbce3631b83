using System.Globalization;
using SafeChat.Conversations;
using SafeChat.Scoring;
using SafeChat.State;
using StackExchange.Redis;

namespace SafeChat.Server.Redis;

/// <summary>
/// An <see cref="IConversationStateStore"/> in Redis, shared by every node: the append (index, duplicate check, window
/// and salient retention) and the first-alert claim each run as one Lua script, so nodes that receive messages of one
/// conversation alternately still build one window with contiguous indices and exactly one first alert. Entries hold
/// a salted hash of the author id, age bands and signal probabilities, never text; the hash-to-id map and the duplicate
/// history expire after the conversation idle timeout, the window, index and first-alert latch after the idle timeout
/// plus the dormancy (<see cref="ConversationWindowLimits.Dormancy"/>). So an idle conversation keeps only text-free,
/// id-free state while dormant, and a slow burn that resumes continues its window: a returning author's entries get
/// the id back when they write again; the others keep a placeholder ("#" and 16 hex digits), as in the in-memory store.
/// The salt is one random value per key prefix, kept in Redis so that every node hashes alike.
/// </summary>
internal sealed class RedisConversationStateStore : IConversationStateStore
{
    private const string CodecField = "c1";

    // KEYS: meta, recent, salient, seen, seen order, authors. Items are "index|salience|age|codec|base64 MessageSignalsCodec bytes|author hash".
    // ARGV: message id, item body, window, max salient, threshold, duplicate history, whole-state ms, author hash, author id, idle ms.
    private const string AppendScript = """
        local function salience(item)
          return tonumber(string.match(item, '^[^|]*|([^|]*)|'))
        end
        redis.call('HSET', KEYS[6], ARGV[8], ARGV[9])
        redis.call('PEXPIRE', KEYS[6], ARGV[10])
        local dup = tonumber(ARGV[6])
        if dup > 0 then
          local seen = redis.call('HGET', KEYS[4], ARGV[1])
          if seen then
            return {1, tonumber(seen), redis.call('HGET', KEYS[1], 'alert'), redis.call('LRANGE', KEYS[3], 0, -1), redis.call('LRANGE', KEYS[2], 0, -1), redis.call('HGETALL', KEYS[6])}
          end
        end
        local index = redis.call('HINCRBY', KEYS[1], 'next', 1) - 1
        if dup > 0 then
          redis.call('HSET', KEYS[4], ARGV[1], index)
          redis.call('RPUSH', KEYS[5], ARGV[1])
          while redis.call('LLEN', KEYS[5]) > dup do
            redis.call('HDEL', KEYS[4], redis.call('LPOP', KEYS[5]))
          end
        end
        redis.call('RPUSH', KEYS[2], index .. '|' .. ARGV[2])
        local window = tonumber(ARGV[3])
        local maxSalient = tonumber(ARGV[4])
        local threshold = tonumber(ARGV[5])
        while redis.call('LLEN', KEYS[2]) > window do
          local leaving = redis.call('LPOP', KEYS[2])
          if maxSalient > 0 and salience(leaving) >= threshold then
            redis.call('RPUSH', KEYS[3], leaving)
            if redis.call('LLEN', KEYS[3]) > maxSalient then
              local items = redis.call('LRANGE', KEYS[3], 0, -1)
              local weakest = items[1]
              local weakestSalience = salience(items[1])
              for i = 2, #items do
                local s = salience(items[i])
                if s < weakestSalience then
                  weakest = items[i]
                  weakestSalience = s
                end
              end
              redis.call('LREM', KEYS[3], 1, weakest)
            end
          end
        end
        for i = 1, 3 do
          redis.call('PEXPIRE', KEYS[i], ARGV[7])
        end
        for i = 4, 5 do
          redis.call('PEXPIRE', KEYS[i], ARGV[10])
        end
        return {0, index, redis.call('HGET', KEYS[1], 'alert'), redis.call('LRANGE', KEYS[3], 0, -1), redis.call('LRANGE', KEYS[2], 0, -1), redis.call('HGETALL', KEYS[6])}
        """;

    private const string AlertScript = """
        if redis.call('HSETNX', KEYS[1], 'alert', ARGV[1]) == 1 then
          if redis.call('PTTL', KEYS[1]) < 0 then
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
          end
          return {1, tonumber(ARGV[1])}
        end
        return {0, tonumber(redis.call('HGET', KEYS[1], 'alert'))}
        """;

    private readonly SafeChatRedisConnection _redis;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeSpan _dormancy;
    private byte[]? _salt;

    public RedisConversationStateStore(SafeChatRedisConnection redis, TimeSpan idleTimeout, TimeSpan dormancy = default)
    {
        _redis = redis;
        _idleTimeout = idleTimeout;
        _dormancy = dormancy < TimeSpan.Zero ? TimeSpan.Zero : dormancy;
    }

    public async ValueTask<WindowAppendResult> AppendAsync(
        string conversationId,
        WindowAppend entry,
        ConversationWindowLimits limits,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentException.ThrowIfNullOrEmpty(entry.MessageId, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.AuthorId, nameof(entry));
        ArgumentNullException.ThrowIfNull(entry.Signals, nameof(entry));
        ArgumentNullException.ThrowIfNull(limits);
        cancellationToken.ThrowIfCancellationRequested();

        var salt = _salt ?? await LoadSaltAsync().ConfigureAwait(false);
        var authorHash = AuthorHash(entry.AuthorId, salt);
        var body = Encode(entry, authorHash);
        var result = await _redis.RunAsync("conversation append", db => db.ScriptEvaluateAsync(
            AppendScript,
            Keys(conversationId),
            [
                entry.MessageId,
                body,
                Math.Max(1, limits.WindowSize),
                Math.Max(0, limits.MaxSalientMessages),
                limits.SalientThreshold.ToString("R", CultureInfo.InvariantCulture),
                Math.Max(0, limits.DuplicateHistory),
                Milliseconds(limits.IdleTimeout + (limits.Dormancy > TimeSpan.Zero ? limits.Dormancy : TimeSpan.Zero)),
                authorHash,
                entry.AuthorId,
                Milliseconds(limits.IdleTimeout),
            ])).ConfigureAwait(false);

        var parts = (RedisResult[])result!;
        var salient = (RedisResult[])parts[3]!;
        var recent = (RedisResult[])parts[4]!;
        var map = (RedisResult[])parts[5]!;
        var authors = new Dictionary<string, string>(map.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < map.Length; i += 2)
        {
            authors[(string)map[i]!] = (string)map[i + 1]!;
        }

        var window = new WindowMessage[salient.Length + recent.Length];
        for (var i = 0; i < salient.Length; i++)
        {
            window[i] = Decode((string)salient[i]!, authors);
        }

        for (var i = 0; i < recent.Length; i++)
        {
            window[salient.Length + i] = Decode((string)recent[i]!, authors);
        }

        return new WindowAppendResult((int)parts[1], (int)parts[0] == 1, window, parts[2].IsNull ? null : (int)parts[2]);
    }

    public async ValueTask<AlertClaim> TrySetAlertAsync(string conversationId, int messageIndex, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentOutOfRangeException.ThrowIfNegative(messageIndex);
        cancellationToken.ThrowIfCancellationRequested();
        var result = await _redis.RunAsync("alert claim", db => db.ScriptEvaluateAsync(
            AlertScript,
            [Keys(conversationId)[0]],
            [messageIndex, Milliseconds(_idleTimeout + _dormancy)])).ConfigureAwait(false);
        var parts = (RedisResult[])result!;
        return new AlertClaim((int)parts[0] == 1, (int)parts[1]);
    }

    public async ValueTask RemoveAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        await _redis.RunAsync("conversation remove", db => db.KeyDeleteAsync(Keys(conversationId))).ConfigureAwait(false);
    }

    internal RedisKey[] Keys(string conversationId)
    {
        // The braces are a cluster hash tag: every key of a conversation lives on one slot, as a script needs.
        var root = _redis.Prefix + "conv:{" + conversationId + "}:";
        return [root + "meta", root + "recent", root + "salient", root + "seen", root + "seenq", root + "authors"];
    }

    // "#" and the first 8 bytes of HMAC-SHA256(salt, author id) in hex: the same on every node, no id at rest.
    internal static string AuthorHash(string authorId, byte[] salt)
    {
        var digest = System.Security.Cryptography.HMACSHA256.HashData(salt, System.Text.Encoding.UTF8.GetBytes(authorId));
        return "#" + Convert.ToHexStringLower(digest, 0, 8);
    }

    // One random salt per key prefix, created by the first node that needs it (SET NX) and read by the others.
    private async Task<byte[]> LoadSaltAsync()
    {
        var key = (RedisKey)(_redis.Prefix + "conv-author-salt");
        var fresh = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var stored = await _redis.RunAsync("author salt", async db =>
        {
            await db.StringSetAsync(key, fresh, when: When.NotExists).ConfigureAwait(false);
            return (string?)await db.StringGetAsync(key).ConfigureAwait(false);
        }).ConfigureAwait(false);
        var salt = Convert.FromBase64String(stored ?? fresh);
        _salt = salt;
        return salt;
    }

    private static long Milliseconds(TimeSpan value) => Math.Max(1, (long)value.TotalMilliseconds);

    // The signals travel as MessageSignalsCodec bytes (chunks and cues included), so a window read back from Redis is
    // the window the engine appended: a conversation is assessed the same on many nodes as on one.
    private static string Encode(WindowAppend entry, string authorHash) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{entry.Signals.Salience:R}|{AgeField(entry.AuthorAge, entry.AuthorAssurance)}|{CodecField}|{Convert.ToBase64String(MessageSignalsCodec.Encode(entry.Signals))}|{authorHash}");

    // The age field packs the band (low 4 bits) and the assurance (next bits).
    private static int AgeField(AgeBand band, AgeAssurance assurance) => (int)band | ((int)assurance << 4);

    // The author field is a hash, mapped back to the id while the author's conversation is live; an entry written before
    // hashing holds the id itself.
    private static WindowMessage Decode(string item, Dictionary<string, string> authors)
    {
        var fields = item.Split('|', 6);
        if (fields.Length != 6 || fields[3] != CodecField)
        {
            throw new InvalidOperationException("A SafeChat conversation window entry in Redis is malformed.");
        }

        var age = int.Parse(fields[2], CultureInfo.InvariantCulture);
        return new WindowMessage(
            int.Parse(fields[0], CultureInfo.InvariantCulture),
            authors.TryGetValue(fields[5], out var author) ? author : fields[5],
            (AgeBand)(age & 0xF),
            MessageSignalsCodec.Decode(Convert.FromBase64String(fields[4])),
            (AgeAssurance)(age >> 4));
    }
}
