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
    public async Task Engine_RedisStores_GiveTheInMemoryResultsExactly()
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

            Assert.Equal(expected, actual);
        }
    }

    private static PolicyEngine Policy(TimeProvider time) => new(PolicyPresets.Load(PolicyPresets.Default), timeProvider: time);
}
