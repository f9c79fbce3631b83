using Microsoft.Extensions.Time.Testing;
using SafeChat.Conversations;
using SafeChat.Core.Tests.Support;
using SafeChat.Engine;
using SafeChat.Policies;
using SafeChat.Scoring;
using SafeChat.State;
using SafeChat.Testing;
using static SafeChat.Core.Tests.Support.EngineTestKit;

namespace SafeChat.Core.Tests.Engine;

public class SafeChatEngineTests
{
    private static readonly Participant Groomer = Adult("adult-1");
    private static readonly Participant Kid = Child("child-1");

    [Fact]
    public async Task ProcessAsync_MessagesInOrder_AssignsContiguousIndicesPerConversation()
    {
        var engine = new SafeChatEngine(new MarkerScorer());

        var indices = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            indices.Add((await engine.ProcessAsync(Message("room-a", $"a{i}", Groomer, "hi", Kid))).MessageIndex);
        }

        var other = await engine.ProcessAsync(Message("room-b", "b0", Groomer, "hi", Kid));

        Assert.Equal([0, 1, 2, 3, 4], indices);
        Assert.Equal(0, other.MessageIndex);
    }

    [Fact]
    public async Task ProcessAsync_DuplicateMessageId_ReturnsOriginalIndexWithoutRecordingAgain()
    {
        var engine = new SafeChatEngine(new MarkerScorer());
        await engine.ProcessAsync(Message("room", "m0", Groomer, "hi", Kid));
        var first = await engine.ProcessAsync(Message("room", "m1", Groomer, "[secrecy]", Kid));

        var duplicate = await engine.ProcessAsync(Message("room", "m1", Groomer, "[secrecy]", Kid));
        var next = await engine.ProcessAsync(Message("room", "m2", Groomer, "ok", Kid));

        Assert.False(first.IsDuplicate);
        Assert.True(duplicate.IsDuplicate);
        Assert.Equal(1, duplicate.MessageIndex);
        Assert.Empty(duplicate.Decisions);
        Assert.Equal(2, duplicate.SenderCounters.MessagesLastHour);
        Assert.Equal(2, next.MessageIndex);
        Assert.Equal(3, next.SenderCounters.MessagesLastHour);
    }

    [Fact]
    public async Task ProcessAsync_MoreMessagesThanWindow_WindowHoldsOnlyTheMostRecent()
    {
        var scorer = new MarkerScorer();
        var engine = new SafeChatEngine(scorer, new SafeChatEngineOptions { WindowSize = 5 });

        for (var i = 0; i < 12; i++)
        {
            await engine.ProcessAsync(Message("room", $"m{i}", Groomer, "nothing here", Kid));
        }

        Assert.Equal([7, 8, 9, 10, 11], scorer.LastWindow.Select(m => m.Index));
        Assert.All(scorer.LastWindow, m => Assert.Equal(AgeBand.Adult, m.AuthorAge));
    }

    [Fact]
    public async Task ProcessAsync_SalientMessageLeavesWindow_IsKeptBeforeTheRecentMessages()
    {
        var scorer = new MarkerScorer();
        var engine = new SafeChatEngine(scorer, new SafeChatEngineOptions { WindowSize = 3 });

        await engine.ProcessAsync(Message("room", "m0", Groomer, "[flattery:0.4] u seem mature", Kid));
        await engine.ProcessAsync(Message("room", "m1", Groomer, "[gifts:0.2] weak", Kid));
        for (var i = 2; i < 8; i++)
        {
            await engine.ProcessAsync(Message("room", $"m{i}", Groomer, "filler", Kid));
        }

        // m0 reached the salient threshold (0.3) and stays; m1 (0.2) did not.
        Assert.Equal([0, 5, 6, 7], scorer.LastWindow.Select(m => m.Index));
    }

    [Fact]
    public async Task ProcessAsync_MoreSalientMessagesThanCap_DropsTheWeakest()
    {
        var scorer = new MarkerScorer();
        var engine = new SafeChatEngine(scorer, new SafeChatEngineOptions { WindowSize = 1, MaxSalientMessages = 2 });

        await engine.ProcessAsync(Message("room", "m0", Groomer, "[flattery:0.6]", Kid));
        await engine.ProcessAsync(Message("room", "m1", Groomer, "[gifts:0.35]", Kid));
        await engine.ProcessAsync(Message("room", "m2", Groomer, "[secrecy:0.9]", Kid));
        await engine.ProcessAsync(Message("room", "m3", Groomer, "filler", Kid));

        Assert.Equal([0, 2, 3], scorer.LastWindow.Select(m => m.Index));
    }

    [Fact]
    public async Task ProcessAsync_SlowBurnLongerThanWindow_StillAlertsThanksToSalientMessages()
    {
        static async Task<int?> RunAsync(int maxSalient)
        {
            var engine = new SafeChatEngine(new MarkerScorer(), new SafeChatEngineOptions { WindowSize = 10, MaxSalientMessages = maxSalient });
            MessageEvaluation last = null!;
            var script = new Dictionary<int, string> { [0] = "[age_probe] how old r u", [15] = "[flattery]", [30] = "[secrecy]" };
            for (var i = 0; i < 35; i++)
            {
                last = await engine.ProcessAsync(Message("room", $"m{i}", Groomer, script.GetValueOrDefault(i, "so what games u play"), Kid));
            }

            return last.FirstAlertIndex;
        }

        Assert.Equal(30, await RunAsync(maxSalient: 32));
        Assert.Null(await RunAsync(maxSalient: 0));
    }

    [Fact]
    public async Task ProcessAsync_ThresholdCrossed_RaisesTheAlertExactlyOnce()
    {
        var engine = new SafeChatEngine(new MarkerScorer());
        var texts = new[] { "hey", "[age_probe]", "[flattery]", "[secrecy] dont tell", "[off_platform]", "[meeting]" };

        var results = new List<MessageEvaluation>();
        for (var i = 0; i < texts.Length; i++)
        {
            results.Add(await engine.ProcessAsync(Message("room", $"m{i}", Groomer, texts[i], Kid)));
        }

        Assert.Equal([false, false, false, true, false, false], results.Select(r => r.RaisedAlert));
        Assert.Equal([null, null, null, 3, 3, 3], results.Select(r => r.FirstAlertIndex));
        Assert.Equal(0.75f, results[3].Assessment.Harms[HarmNames.Grooming]);
        Assert.Equal([SignalNames.Secrecy], results[3].Signals);
    }

    [Fact]
    public async Task ProcessAsync_ThresholdOverriddenInOptions_UsesTheOverride()
    {
        var options = new SafeChatEngineOptions();
        options.AlertThresholds[HarmNames.Grooming] = 0.25f;
        var engine = new SafeChatEngine(new MarkerScorer(), options);

        var result = await engine.ProcessAsync(Message("room", "m0", Groomer, "[age_probe]", Kid));

        Assert.True(result.RaisedAlert);
        Assert.Equal(0.25f, engine.AlertThresholdFor(HarmNames.Grooming));
        Assert.Equal(0.5f, engine.AlertThresholdFor(HarmNames.Sextortion));
    }

    [Fact]
    public async Task ProcessAsync_AdultMessagesManyMinors_CountsDistinctMinorsForTwentyFourHours()
    {
        var clock = new FakeTimeProvider(Start);
        var engine = new SafeChatEngine(new MarkerScorer(), timeProvider: clock);

        for (var i = 0; i < 4; i++)
        {
            var minor = i % 2 == 0 ? Child($"kid-{i}") : Teen($"teen-{i}");
            await engine.ProcessAsync(Message($"dm-{i}", "m0", Groomer, "hey", minor));
            await engine.ProcessAsync(Message($"dm-{i}", "m1", Groomer, "hey again", minor));
            clock.Advance(TimeSpan.FromHours(1));
        }

        // An adult and an unknown-age recipient do not count as minors.
        var other = await engine.ProcessAsync(Message("group", "g0", Groomer, "hi all", Adult("adult-2"), new Participant("someone")));
        Assert.Equal(4, other.SenderCounters.DistinctMinorsContacted24h);
        Assert.Equal(5, other.SenderCounters.DistinctConversations24h);
        Assert.Equal(1, other.SenderCounters.MessagesLastHour);

        // 22 h later the first three contacts (at 0 h, 1 h, 2 h) are more than 24 h old; the one at 3 h is not.
        clock.Advance(TimeSpan.FromHours(22) + TimeSpan.FromMinutes(1));
        var later = await engine.ProcessAsync(Message("group", "g1", Groomer, "hi", Adult("adult-2")));
        Assert.Equal(1, later.SenderCounters.DistinctMinorsContacted24h);
        Assert.Equal(2, later.SenderCounters.DistinctConversations24h);

        // The child's own counters are separate.
        var reply = await engine.ProcessAsync(Message("dm-0", "m2", Child("kid-0"), "hi", Groomer));
        Assert.Equal(0, reply.SenderCounters.DistinctMinorsContacted24h);
    }

    [Fact]
    public async Task ProcessAsync_ConversationIdleLongerThanTimeoutWithoutDormancy_StartsFresh()
    {
        var clock = new FakeTimeProvider(Start);
        var store = new InMemoryConversationStateStore(timeProvider: clock);
        var options = new SafeChatEngineOptions { ConversationDormancy = TimeSpan.Zero };
        options.AlertThresholds[HarmNames.Grooming] = 0.25f;
        var engine = new SafeChatEngine(new MarkerScorer(), options, conversationStore: store, timeProvider: clock);

        await engine.ProcessAsync(Message("room", "m0", Groomer, "[age_probe]", Kid));
        clock.Advance(TimeSpan.FromHours(1));
        var stillLive = await engine.ProcessAsync(Message("room", "m1", Groomer, "hello", Kid));
        clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));
        var afterIdle = await engine.ProcessAsync(Message("room", "m2", Groomer, "hello", Kid));

        Assert.Equal(1, stillLive.MessageIndex);
        Assert.Equal(0, stillLive.FirstAlertIndex);
        Assert.Equal(0, afterIdle.MessageIndex);
        Assert.Null(afterIdle.FirstAlertIndex);
    }

    [Fact]
    public async Task ProcessAsync_ManyIdleConversations_AreSweptAndMemoryStaysBounded()
    {
        var clock = new FakeTimeProvider(Start);
        var store = new InMemoryConversationStateStore(timeProvider: clock);
        var engine = new SafeChatEngine(new MarkerScorer(), conversationStore: store, timeProvider: clock);

        for (var i = 0; i < 50; i++)
        {
            await engine.ProcessAsync(Message($"room-{i}", "m0", Groomer, "hi", Kid));
        }

        clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(50, store.RemoveExpired());
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task ProcessAsync_MoreConversationsThanCapWithoutDormancy_EvictsLeastRecentlyUsed()
    {
        var store = new InMemoryConversationStateStore(maxConversations: 10);
        var engine = new SafeChatEngine(new MarkerScorer(), new SafeChatEngineOptions { ConversationDormancy = TimeSpan.Zero }, conversationStore: store);

        await engine.ProcessAsync(Message("keep", "k0", Groomer, "hi", Kid));
        for (var i = 0; i < 25; i++)
        {
            await engine.ProcessAsync(Message($"room-{i}", "m0", Groomer, "hi", Kid));
            await engine.ProcessAsync(Message("keep", $"k{i + 1}", Groomer, "hi", Kid));
        }

        var kept = await engine.ProcessAsync(Message("keep", "k-last", Groomer, "hi", Kid));
        var evicted = await engine.ProcessAsync(Message("room-0", "m1", Groomer, "hi", Kid));

        Assert.Equal(26, kept.MessageIndex);
        Assert.Equal(0, evicted.MessageIndex);
        Assert.Equal(10, store.Count);
        Assert.True(store.Evictions >= 16);
    }

    [Fact]
    public async Task ProcessAsync_ManyConversationsInParallel_EachGetsContiguousIndices()
    {
        var engine = new SafeChatEngine(new MarkerScorer());
        var work = Enumerable.Range(0, 200).SelectMany(c => Enumerable.Range(0, 20).Select(m => (Room: $"room-{c}", Message: m)));
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentBag<int>>();

        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (item, ct) =>
        {
            var result = await engine.ProcessAsync(Message(item.Room, $"m{item.Message}", Adult($"u-{item.Room}"), "hi", Kid), ct);
            seen.GetOrAdd(item.Room, _ => []).Add(result.MessageIndex);
        });

        Assert.Equal(200, seen.Count);
        Assert.All(seen.Values, indices => Assert.Equal(Enumerable.Range(0, 20), indices.Order()));
    }

    [Fact]
    public async Task ProcessAsync_OneConversationFromManyThreads_IndicesUniqueAndContiguousAndOneAlert()
    {
        var options = new SafeChatEngineOptions();
        options.AlertThresholds[HarmNames.Grooming] = 0.25f;
        var engine = new SafeChatEngine(new MarkerScorer(), options);
        var results = new System.Collections.Concurrent.ConcurrentBag<MessageEvaluation>();

        var senders = Enumerable.Range(0, 8).Select(t => Adult($"sender-{t}")).ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            results.Add(await engine.ProcessAsync(Message("busy-room", $"m{i}", senders[i % 8], "[secrecy]", Kid), ct)));

        Assert.Equal(Enumerable.Range(0, 1000), results.Select(r => r.MessageIndex).Order());
        var raised = Assert.Single(results, r => r.RaisedAlert);
        Assert.All(results, r => Assert.True(r.FirstAlertIndex is null || r.FirstAlertIndex == raised.MessageIndex));
    }

    [Fact]
    public async Task ProcessAsync_VeryLongMessage_IsTruncatedForScoringNotRejected()
    {
        var scorer = new MarkerScorer();
        var engine = new SafeChatEngine(scorer, new SafeChatEngineOptions { MaxScoredCharacters = 1000 });
        var text = "[secrecy] " + new string('x', 989) + "\U0001F600" + new string('y', 1_000_000);

        var result = await engine.ProcessAsync(Message("room", "m0", Groomer, text, Kid));

        Assert.Equal(999, scorer.LongestText); // the cut would have split the emoji's surrogate pair
        Assert.Equal([SignalNames.Secrecy], result.Signals);
    }

    [Fact]
    public async Task ProcessAsync_EmptyText_IsRecordedWithoutCallingTheScorer()
    {
        var scorer = new MarkerScorer();
        var engine = new SafeChatEngine(scorer);

        var result = await engine.ProcessAsync(Message("room", "m0", Groomer, "", Kid));

        Assert.Equal(0, scorer.AnalyzeCalls);
        Assert.Empty(result.Signals);
        Assert.Equal(0f, result.Assessment.Risk);
    }

    [Fact]
    public async Task ProcessAsync_PrecomputedSignals_SkipsAnalyzeMessage()
    {
        var scorer = new MarkerScorer();
        var engine = new SafeChatEngine(scorer);
        var signals = scorer.AnalyzeBatch(["[gifts]"])[0];

        var result = await engine.ProcessAsync(Message("room", "m0", Groomer, "text the scorer never sees", Kid) with { PrecomputedSignals = signals });

        Assert.Equal(0, scorer.AnalyzeCalls);
        Assert.Equal([SignalNames.Gifts], result.Signals);
    }

    [Fact]
    public async Task ProcessAsync_ScorerReturnsWrongSignalCount_ThrowsNamingTheMismatch()
    {
        var scorer = new MarkerScorer();
        var engine = new SafeChatEngine(scorer);
        var envelope = Message("room", "m0", Groomer, "hi", Kid) with { PrecomputedSignals = MessageSignals.Empty(3) };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.ProcessAsync(envelope).AsTask());

        Assert.Contains("3 signal probabilities", error.Message);
    }

    [Fact]
    public async Task ProcessAsync_EnvelopeWithoutMessageId_ThrowsArgumentException()
    {
        var engine = new SafeChatEngine(new MarkerScorer());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => engine.ProcessAsync(Message("room", "", Groomer, "hi", Kid)).AsTask());

        Assert.Contains("Message.Id", error.Message);
    }

    [Fact]
    public void Constructor_InvalidOption_ThrowsNamingTheOption()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SafeChatEngine(new MarkerScorer(), new SafeChatEngineOptions { WindowSize = 0 }));
        Assert.Equal(nameof(SafeChatEngineOptions.WindowSize), error.ParamName);

        var threshold = new SafeChatEngineOptions();
        threshold.AlertThresholds[HarmNames.Grooming] = 1.5f;
        Assert.Throws<ArgumentOutOfRangeException>(() => new SafeChatEngine(new MarkerScorer(), threshold));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SafeChatEngine(new MarkerScorer(), new SafeChatEngineOptions { UserIdleTimeout = TimeSpan.FromHours(1) }));
    }

    [Fact]
    public async Task ProcessAsync_WithPolicy_PassesContextAndReturnsItsDecisions()
    {
        var policy = new RecordingPolicy();
        var connections = new InMemoryConnectionDirectory();
        connections.Connect(Groomer.Id, "child-2");
        var engine = new SafeChatEngine(new MarkerScorer(), policy: policy, connections: connections);

        var quiet = await engine.ProcessAsync(Message("room", "m0", Groomer, "hello", Kid, Child("child-2")));
        var loud = await engine.ProcessAsync(Message("room", "m1", Groomer, "[off_platform] add me on snap 555 123 4567 https://x.example", Kid, Child("child-2")));

        Assert.Empty(quiet.Decisions);
        var decision = Assert.Single(loud.Decisions);
        Assert.Equal(PolicyAction.WarnRecipient, decision.Action);
        var context = policy.Contexts.Last();
        Assert.Equal(1, context.MessageIndex);
        Assert.Equal(["child-2"], context.ConnectedRecipientIds);
        Assert.Equal([SignalNames.OffPlatform], context.MessageSignals);
        Assert.Equal(2, context.SenderCounters.DistinctMinorsContacted24h);
        Assert.Equal(0.25f, context.SenderHarms[HarmNames.Grooming]);
        Assert.True(context.Features.HasLink);
        Assert.True(context.Features.HasContactHandle);
        Assert.Equal("marker-test-1", context.ModelVersion);
        Assert.Equal("recording-1", engine.PolicyVersion);
    }

    [Fact]
    public async Task EvaluateJoinAsync_DelegatesToPolicyOrReturnsNothing()
    {
        var join = new JoinContext { Room = new Room("r", RoomKind.Private), Joiner = Kid, Members = [Groomer] };

        var withPolicy = await new SafeChatEngine(new MarkerScorer(), policy: new RecordingPolicy()).EvaluateJoinAsync(join);
        var withoutPolicy = await new SafeChatEngine(new MarkerScorer()).EvaluateJoinAsync(join);

        Assert.Equal(PolicyAction.DenyJoin, Assert.Single(withPolicy).Action);
        Assert.Empty(withoutPolicy);
    }

    [Fact]
    public async Task EndConversationAsync_ForgetsTheConversation()
    {
        var engine = new SafeChatEngine(new MarkerScorer());
        await engine.ProcessAsync(Message("room", "m0", Groomer, "hi", Kid));

        await engine.EndConversationAsync("room");
        var next = await engine.ProcessAsync(Message("room", "m1", Groomer, "hi", Kid));

        Assert.Equal(0, next.MessageIndex);
    }

    private sealed class RecordingPolicy : IMessagePolicy
    {
        public System.Collections.Concurrent.ConcurrentQueue<MessageContext> Contexts { get; } = new();

        public string Version => "recording-1";

        public ValueTask<IReadOnlyList<Decision>> EvaluateMessageAsync(MessageContext context, CancellationToken cancellationToken = default)
        {
            Contexts.Enqueue(context);
            IReadOnlyList<Decision> decisions = context.MessageSignals.Count > 0 ? [new Decision("warn-signals", PolicyAction.WarnRecipient)] : [];
            return new ValueTask<IReadOnlyList<Decision>>(decisions);
        }

        public ValueTask<IReadOnlyList<Decision>> EvaluateJoinAsync(JoinContext context, CancellationToken cancellationToken = default)
        {
            IReadOnlyList<Decision> decisions = context.Joiner.IsMinor && context.Room.Kind == RoomKind.Private
                ? [new Decision("minor-private-room", PolicyAction.DenyJoin)]
                : [];
            return new ValueTask<IReadOnlyList<Decision>>(decisions);
        }
    }
}
