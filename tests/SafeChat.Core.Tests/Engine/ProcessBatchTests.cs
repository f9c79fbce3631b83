using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Policies;
using SafeChat.Testing;

namespace SafeChat.Core.Tests.Engine;

public sealed class ProcessBatchTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task ProcessBatchAsync_InterleavedConversations_SameTracesAsOneByOne(int parallelism)
    {
        var envelopes = Interleaved();

        var oneByOne = new List<MessageEvaluation>();
        var sequential = NewEngine(1);
        foreach (var envelope in envelopes)
        {
            oneByOne.Add(await sequential.ProcessAsync(envelope));
        }

        var batch = await NewEngine(parallelism).ProcessBatchAsync(envelopes);

        Assert.Equal(oneByOne.Select(EvaluationTrace.Of), batch.Select(EvaluationTrace.Of));
        Assert.Equal(oneByOne.Select(Latches), batch.Select(Latches));
        Assert.Contains(batch, e => e.Decisions.Count > 0);
        Assert.Contains(batch, e => e.RaisedAlert);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task ProcessBatchAsync_WithCallback_SameEvaluationsInListOrder(int parallelism)
    {
        var envelopes = Interleaved();
        var returned = await NewEngine(parallelism).ProcessBatchAsync(envelopes);

        var positions = new List<int>();
        var handed = new List<MessageEvaluation>();
        await NewEngine(parallelism).ProcessBatchAsync(envelopes, (i, evaluation) =>
        {
            positions.Add(i);
            handed.Add(evaluation);
        });

        Assert.Equal(Enumerable.Range(0, envelopes.Count), positions);
        Assert.Equal(returned.Select(EvaluationTrace.Of), handed.Select(EvaluationTrace.Of));
        Assert.Equal(returned.Select(Latches), handed.Select(Latches));
        Assert.Contains(handed, e => e.RaisedAlert);
    }

    [Fact]
    public async Task ProcessBatchAsync_SplitIntoSeveralBatches_SameIndexesAndCountersAsOneBatch()
    {
        var envelopes = Interleaved();
        var whole = await NewEngine(4).ProcessBatchAsync(envelopes);

        var engine = NewEngine(4);
        var parts = new List<MessageEvaluation>();
        for (var i = 0; i < envelopes.Count; i += 7)
        {
            parts.AddRange(await engine.ProcessBatchAsync(envelopes.Skip(i).Take(7).ToArray()));
        }

        Assert.Equal(whole.Select(e => (e.MessageIndex, e.FirstAlertIndex, e.SenderCounters.MessagesLastHour, e.SenderCounters.DistinctConversations24h)),
            parts.Select(e => (e.MessageIndex, e.FirstAlertIndex, e.SenderCounters.MessagesLastHour, e.SenderCounters.DistinctConversations24h)));
        Assert.Equal(whole.Select(EvaluationTrace.Of), parts.Select(EvaluationTrace.Of));
    }

    [Fact]
    public async Task ProcessBatchAsync_DuplicateInBatch_ReportedAsDuplicateWithFirstIndex()
    {
        var envelopes = Interleaved();
        var withDuplicate = envelopes.Take(5).Append(envelopes[2]).ToArray();

        var results = await NewEngine(4).ProcessBatchAsync(withDuplicate);

        Assert.True(results[5].IsDuplicate);
        Assert.Equal(results[2].MessageIndex, results[5].MessageIndex);
    }

    [Fact]
    public async Task ProcessBatchAsync_AlertEarlierInTheSameBatch_LaterMessagesSeeIt()
    {
        var envelopes = Interleaved();
        var sequential = NewEngine(1);
        var oneByOne = new List<MessageEvaluation>();
        foreach (var envelope in envelopes)
        {
            oneByOne.Add(await sequential.ProcessAsync(envelope));
        }

        // A repeat of the first message of a conversation that alerted: a duplicate, which must carry that alert's index.
        var alerted = envelopes[oneByOne.FindIndex(e => e.RaisedAlert)].Message.RoomId;
        var repeat = envelopes.First(e => e.Message.RoomId == alerted);
        var withRepeat = envelopes.Append(repeat).ToArray();
        var expected = await sequential.ProcessAsync(repeat);

        var batch = await NewEngine(4).ProcessBatchAsync(withRepeat);

        Assert.True(batch[^1].IsDuplicate);
        Assert.NotNull(expected.FirstAlertIndex);
        Assert.Equal(expected.FirstAlertIndex, batch[^1].FirstAlertIndex);
    }

    [Fact]
    public async Task ProcessBatchAsync_Empty_ReturnsEmpty()
    {
        Assert.Empty(await NewEngine(2).ProcessBatchAsync([]));
    }

    private static (int, bool, bool, int?, int, int) Latches(MessageEvaluation e) =>
        (e.MessageIndex, e.IsDuplicate, e.RaisedAlert, e.FirstAlertIndex, e.SenderCounters.MessagesLastHour, e.SenderCounters.DistinctConversations24h);

    private static SafeChatEngine NewEngine(int parallelism)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2025-05-02T17:00:00Z", CultureInfo.InvariantCulture));
        return new SafeChatEngine(
            new MarkerScorer(keywords: MarkerScorer.ChatKeywords),
            new SafeChatEngineOptions { MaxDegreeOfParallelism = parallelism },
            new PolicyEngine(PolicyPresets.Load("strict-minors"), timeProvider: time),
            timeProvider: time);
    }

    // Every scenario conversation, round-robin one message at a time, as a server receives them.
    private static List<MessageEnvelope> Interleaved()
    {
        var conversations = Scenarios.All();
        var envelopes = new List<MessageEnvelope>();
        for (var i = 0; conversations.Any(c => i < c.Messages.Count); i++)
        {
            foreach (var conversation in conversations.Where(c => i < c.Messages.Count))
            {
                var message = conversation.Messages[i];
                envelopes.Add(new MessageEnvelope(
                    new ChatMessage(i.ToString(CultureInfo.InvariantCulture), conversation.Room.Id, message.Author, message.Text, message.Time),
                    conversation.Room,
                    conversation.ParticipantOf(message.Author),
                    conversation.RecipientsOf(message.Author)));
            }
        }

        return envelopes;
    }
}
