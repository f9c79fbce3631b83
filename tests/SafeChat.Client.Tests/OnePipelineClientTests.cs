using Microsoft.Extensions.Time.Testing;
using SafeChat.Client;
using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Inference;
using SafeChat.Policies;
using SafeChat.Testing;

namespace SafeChat.Client.Tests;

/// <summary>
/// One pipeline: the device SDK is an adapter over the engine, so a one-to-one conversation checked on the device
/// gives byte-identical risk, signals, evidence and decisions to the same conversation on the server engine.
/// </summary>
public sealed class OnePipelineClientTests
{
    private static readonly Lazy<OnnxSafetyScorer> Scorer = new(OnnxSafetyScorer.LoadDefault);

    [Fact]
    public async Task Client_OneToOneConversations_GiveTheEngineResultsExactly()
    {
        var compared = 0;
        foreach (var conversation in Scenarios.All().Where(c => c.Participants.Count == 2))
        {
            var engineTime = Clock();
            var engine = new SafeChatEngine(Scorer.Value, new SafeChatEngineOptions(), Policy(engineTime), timeProvider: engineTime);
            var expected = await EngineDriver.TraceAsync(engine, conversation);

            var clientTime = Clock();
            var client = new SafeChatClient(Scorer.Value, Policy(clientTime), new SafeChatClientOptions(), timeProvider: clientTime);
            var local = conversation.Participants[1];
            var device = new ClientConversation(conversation.Room, local, [conversation.Participants[0]]);
            var actual = new List<string>();
            for (var i = 0; i < conversation.Messages.Count; i++)
            {
                var m = conversation.Messages[i];
                var message = new ChatMessage(i.ToString(System.Globalization.CultureInfo.InvariantCulture), conversation.Room.Id, m.Author, m.Text, m.Time);
                var check = m.Author == local.Id
                    ? await client.CheckOutgoingAsync(device, message)
                    : await client.CheckIncomingAsync(device, message);
                actual.Add(EvaluationTrace.Of(check.Assessment, check.Signals, check.Decisions));
            }

            Assert.Equal(expected, actual);
            compared++;
        }

        Assert.True(compared >= 3, $"only {compared} one-to-one scenarios were compared");
    }

    private static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private static PolicyEngine Policy(TimeProvider time) => new(PolicyPresets.Load(PolicyPresets.Default), timeProvider: time);
}
