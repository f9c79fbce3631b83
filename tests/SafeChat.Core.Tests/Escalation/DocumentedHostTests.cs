using System.Collections.Concurrent;
using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Escalation;
using SafeChat.Evidence;
using SafeChat.Policies;
using SafeChat.Scoring;
using SafeChat.Testing;

namespace SafeChat.Core.Tests.Escalation;

/// <summary>The "A host with SafeChat.Core only" snippet of docs/escalation.md, as written, on a grooming conversation.</summary>
public sealed class DocumentedHostTests
{
    [Fact]
    public async Task CoreOnlySnippet_GroomingConversation_EscalationReachesEveryHandlerWithEvidence()
    {
        ISafetyScorer scorer = new MarkerScorer();
        var threads = new RecordingThreads();
        var reviewQueue = new ReviewQueue();
        var adult = new Participant("adult-1", AgeBand.Adult, AgeAssurance.Verified);
        var teen = new Participant("teen-1", AgeBand.Teen, AgeAssurance.SelfDeclared);
        var room = new Room("dm-1", RoomKind.Direct);
        string[] lines = ["hey gg [age_probe]", "ur so mature [flattery]", "dont tell ur mom [secrecy]", "r ur parents home [risk_check]"];
        var escalated = new List<EscalationEvent>();
        var contexts = new List<MessageContext?>();

        // --- docs/escalation.md, "A host with SafeChat.Core only" (keep in sync) ---
        var time = TimeProvider.System;
        var engine = new SafeChatEngine(scorer, policy: new PolicyEngine(PolicyPresets.Load("strict-minors"), timeProvider: time), timeProvider: time);
        var evidence = new InMemoryEvidenceStore(timeProvider: time);
        await using (var dispatcher = new EscalationDispatcher(
            new InMemoryEscalationStore(), // not durable: see "Durability" below
            [new EvidenceEscalationHandler(threads, new EvidenceBuilder(timeProvider: time), evidence), reviewQueue],
            timeProvider: time))
        {
            for (var i = 0; i < lines.Length; i++)
            {
                var envelope = new MessageEnvelope(new ChatMessage($"m{i}", room.Id, adult.Id, lines[i], time.GetUtcNow()), room, adult, [teen]);
                threads.Add(envelope.Message);

                var evaluation = await engine.ProcessAsync(envelope);
                foreach (var escalation in evaluation.Escalations)
                {
                    await dispatcher.DispatchAsync(escalation); // returns once the escalation is in the store
                }

                // --- end of snippet ---
                escalated.AddRange(evaluation.Escalations);
                contexts.Add(evaluation.Context);
            }

            await WaitUntilAsync(() => !reviewQueue.Received.IsEmpty);
        }

        var raised = Assert.Single(escalated);
        Assert.Equal("grooming-escalate", raised.RuleId);
        Assert.Equal(EscalationEvents.CreateIdempotencyKey("grooming-escalate", "dm-1", "adult-1"), raised.IdempotencyKey);
        Assert.Equal(engine.PolicyVersion, raised.PolicyVersion);
        Assert.Equal(raised, Assert.Single(reviewQueue.Received));
        Assert.Equal(raised.IdempotencyKey, Assert.Single(await evidence.ListAsync()).IdempotencyKey);

        // The context the engine built is the one the escalation came from.
        var context = contexts[raised.MessageIndex]!;
        Assert.Equal("adult-1", context.Sender.Id);
        Assert.Equal(raised.MessageIndex, context.MessageIndex);
        Assert.Equal(context.Assessment.Harms[HarmNames.Grooming], raised.Harms[HarmNames.Grooming]);
        Assert.All(contexts, Assert.NotNull);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }

    private sealed class ReviewQueue : IEscalationHandler
    {
        public ConcurrentQueue<EscalationEvent> Received { get; } = new();

        public string Name => "review-queue";

        public ValueTask HandleAsync(EscalationEvent escalation, CancellationToken cancellationToken = default)
        {
            Received.Enqueue(escalation);
            return ValueTask.CompletedTask;
        }
    }

    // The host owns message text; SafeChat asks for the thread only when it preserves evidence.
    private sealed class RecordingThreads : IEvidenceThreadSource
    {
        private readonly ConcurrentQueue<ChatMessage> _messages = new();

        public void Add(ChatMessage message) => _messages.Enqueue(message);

        public ValueTask<EvidenceThread?> GetThreadAsync(EscalationEvent escalation, CancellationToken cancellationToken = default) =>
            new(new EvidenceThread(
                [.. _messages.Where(m => m.RoomId == escalation.ConversationId)],
                new Participant(escalation.SubjectUserId, AgeBand.Adult, AgeAssurance.Verified),
                new Participant("teen-1", AgeBand.Teen, AgeAssurance.SelfDeclared)));
    }
}
