using System.Diagnostics;
using SafeChat.Conversations;
using SafeChat.Core.Tests.Support;
using SafeChat.Engine;
using SafeChat.Scoring;
using SafeChat.State;
using Xunit.Abstractions;
using static SafeChat.Core.Tests.Support.EngineTestKit;

namespace SafeChat.Core.Tests.Engine;

/// <summary>
/// Opt-in scale checks (SAFECHAT_SLOW_TESTS=1). They assert bounds, not speed; the throughput and memory they print are
/// for information only.
/// </summary>
[Trait("Category", "Slow")]
public class EngineScaleTests(ITestOutputHelper output)
{
    [SlowFact]
    public async Task ProcessAsync_OneMillionConversations_StateStaysAtTheCap()
    {
        const int Conversations = 1_000_000;
        var store = new InMemoryConversationStateStore(maxConversations: 10_000);
        var users = new InMemoryUserStateStore(maxUsers: 10_000);
        var engine = new SafeChatEngine(new ConstantScorer(), conversationStore: store, userStore: users);
        var kid = Child("kid");
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var started = Stopwatch.GetTimestamp();

        await Parallel.ForEachAsync(Enumerable.Range(0, Conversations), async (i, ct) =>
            await engine.ProcessAsync(Message($"room-{i}", "m0", Adult($"adult-{i}"), "hi", kid), ct));

        var elapsed = Stopwatch.GetElapsedTime(started);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Equal(10_000, store.Count);
        Assert.Equal(Conversations - 10_000, store.Evictions);
        Assert.Equal(10_000, users.Count);
        output.WriteLine($"{Conversations:N0} messages in {elapsed.TotalSeconds:0.00} s ({Conversations / elapsed.TotalSeconds:N0}/s); retained {(after - before) / 1024.0 / 1024.0:0.0} MiB");
    }

    [SlowFact]
    public async Task ProcessAsync_FullWindows_MemoryPerConversationIsReported()
    {
        const int Conversations = 10_000;
        var store = new InMemoryConversationStateStore();
        var engine = new SafeChatEngine(new ConstantScorer(), conversationStore: store);
        var kid = Child("kid");
        var adult = Adult("adult");
        var before = GC.GetTotalMemory(forceFullCollection: true);

        for (var i = 0; i < Conversations; i++)
        {
            for (var m = 0; m < 82; m++)
            {
                await engine.ProcessAsync(Message($"room-{i}", $"m{m}", adult, "hi", kid));
            }
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Equal(Conversations, store.Count);
        output.WriteLine($"{(after - before) / (double)Conversations / 1024.0:0.0} KiB per conversation with a full window (50 recent + 32 salient)");
    }

    // Every message looks mildly salient (0.35), so salient retention is full too; the signals object is shared by design of the scorer.
    private sealed class ConstantScorer : ISafetyScorer
    {
        public ScorerDescriptor Descriptor { get; } = new("constant", "constant-1", SignalNames.All, new Dictionary<string, float>());

        public MessageSignals AnalyzeMessage(string text)
        {
            var probabilities = new float[SignalNames.All.Count];
            probabilities[0] = 0.35f;
            return new MessageSignals(probabilities, new float[HarmNames.All.Count]);
        }

        public IReadOnlyList<MessageSignals> AnalyzeBatch(IReadOnlyList<string> texts) => texts.Select(AnalyzeMessage).ToArray();

        public RiskAssessment Assess(IReadOnlyList<WindowMessage> window) => RiskAssessment.None;
    }
}
