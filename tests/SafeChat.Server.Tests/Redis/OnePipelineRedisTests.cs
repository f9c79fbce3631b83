using Microsoft.Extensions.Time.Testing;
using SafeChat.Engine;
using SafeChat.Inference;
using SafeChat.Policies;
using SafeChat.Server.Redis;
using SafeChat.Server.Tests.Support;
using SafeChat.Testing;

namespace SafeChat.Server.Tests.Redis;

/// <summary>
/// One pipeline: the same conversations through the engine on the in-memory stores and on the Redis stores (a real
/// redis-server) give byte-identical traces, long pasted messages (scored in chunks) included.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class OnePipelineRedisTests(RedisFixture redis)
{
    private static readonly Lazy<OnnxSafetyScorer> Scorer = new(OnnxSafetyScorer.LoadDefault);

    [RedisFact]
    public async Task Engine_RedisStores_GiveTheInMemoryResultsWithinQuantization()
    {
        using var connection = RedisStores.Connect(redis.Server, RedisStores.UniquePrefix());
        var options = new SafeChatEngineOptions();
        foreach (var conversation in Scenarios.All())
        {
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
            var inMemory = new SafeChatEngine(Scorer.Value, options, Policy(time), timeProvider: time);
            var onRedis = new SafeChatEngine(
                Scorer.Value,
                options,
                Policy(time),
                conversationStore: new RedisConversationStateStore(connection, options.ConversationIdleTimeout),
                userStore: new RedisUserStateStore(connection, options.UserIdleTimeout, options.MaxContactsPerUser),
                timeProvider: time);

            var expected = await EngineDriver.TraceAsync(inMemory, conversation);
            var actual = await EngineDriver.TraceAsync(onRedis, conversation);

            // The in-memory store keeps window signals as 16-bit fixed point, the Redis store as floats: the same
            // decisions, evidence and authors, and every figure within a small tolerance.
            Assert.Equal(expected.Count, actual.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                AssertSameWithinQuantization(expected[i], actual[i]);
            }
        }
    }

    private static void AssertSameWithinQuantization(string expected, string actual)
    {
        var number = new System.Text.RegularExpressions.Regex(@"(?<=[:=])-?[0-9][0-9.]*(E-?[0-9]+)?");

        // Evidence of two signals whose probabilities differ by less than a quantization step may swap places: compare it
        // as a set (each item is unique by signal, author and message index).
        string Canon(string trace)
        {
            var start = trace.IndexOf(" evidence=", StringComparison.Ordinal);
            var end = trace.IndexOf(" fired=", StringComparison.Ordinal);
            if (start < 0 || end < start)
            {
                return trace;
            }

            var items = trace[(start + " evidence=".Length)..end].Split(',', StringSplitOptions.RemoveEmptyEntries)
                .OrderBy(i => number.Replace(i, "#"), StringComparer.Ordinal);
            return trace[..start] + " evidence=" + string.Concat(items.Select(i => i + ",")) + trace[end..];
        }

        expected = Canon(expected);
        actual = Canon(actual);
        Assert.Equal(number.Replace(expected, "#"), number.Replace(actual, "#"));
        var left = number.Matches(expected);
        var right = number.Matches(actual);
        for (var i = 0; i < left.Count; i++)
        {
            var a = double.Parse(left[i].Value, System.Globalization.CultureInfo.InvariantCulture);
            var b = double.Parse(right[i].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(a - b) <= 1e-3, $"{left[i].Value} vs {right[i].Value} in {expected}");
        }
    }

    private static PolicyEngine Policy(TimeProvider time) => new(PolicyPresets.Load(PolicyPresets.Default), timeProvider: time);
}
