using System.Globalization;
using SafeChat.Engine;
using SafeChat.Inference;
using SafeChat.State;

namespace SafeChat.Benchmarks.Engine;

/// <summary>
/// <c>--memory</c>: the managed heap per conversation kept by the engine's in-memory conversation state (window
/// entries and their scores, duplicate ids, alert latch, LRU entry; the per-user counters are per user, not here), for an idle game-chat conversation (4 messages) and a full one
/// (200 messages: 50 recent + up to 32 salient kept), and the heap while 1,000,000 one-message conversations stream
/// through an engine with the default limits (least recently used conversations evicted at 100,000).
/// </summary>
public static class ConversationMemoryReport
{
    public static int Run(TextWriter output)
    {
        using var scorer = OnnxSafetyScorer.LoadDefault();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"idle conversation (4 messages): {PerConversation(scorer, 20_000, 4):N0} bytes"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"full conversation (200 messages, window 50 + salient), idle: {PerConversation(scorer, 500, 200, idle: true):N0} bytes"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"full conversation (200 messages), still among the most recently active (rebuilt window signals kept): {PerConversation(scorer, 500, 200):N0} bytes"));

        var engine = new SafeChatEngine(scorer);
        const int Total = 1_000_000;
        const int Block = 4_000;
        for (int done = 0; done < Total; done += Block)
        {
            var envelopes = GameChat.Envelopes(Block, 1, "s" + done.ToString(CultureInfo.InvariantCulture));
            engine.ProcessBatchAsync(envelopes).AsTask().GetAwaiter().GetResult();
            if ((done + Block) % 100_000 == 0)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  after {done + Block,9:N0} conversations: managed heap {GC.GetTotalMemory(true) / 1048576.0:0.0} MiB"));
            }
        }

        return 0;
    }

    // The store keeps rebuilt window signals for its most recently active conversations (a small ring per shard; a CPU
    // saving while messages keep coming); one message in each of this many other conversations moves every measured one
    // out of that set.
    private const int InactiveAfter = 1_024;

    private static long PerConversation(OnnxSafetyScorer scorer, int conversations, int messages, bool idle = false)
    {
        var store = new InMemoryConversationStateStore(conversations + InactiveAfter + 1);
        var limits = new ConversationWindowLimits(50, 32, 0.3f, 128, TimeSpan.FromHours(2));
        var envelopes = GameChat.Envelopes(conversations, messages, "m");
        var others = idle ? GameChat.Envelopes(InactiveAfter, 1, "other") : [];
        long othersBytes = idle ? OneMessageConversations(scorer, limits, others) : 0;

        // Each message gets a fresh scorer result (as in the engine), so what is measured is what the conversation state
        // keeps: window entries and their scores, duplicate ids, the latch, the LRU entry.
        GC.Collect();
        long before = GC.GetTotalMemory(true);
        foreach (var e in envelopes.Concat(others))
        {
            var append = new WindowAppend(e.Message.Id, e.Sender.Id, e.Sender.AgeBand, scorer.AnalyzeMessage(e.Message.Text!), e.Sender.AgeAssurance);
            store.AppendAsync(e.Message.RoomId, append, limits).AsTask().GetAwaiter().GetResult();
        }

        GC.Collect();
        long after = GC.GetTotalMemory(true);
        GC.KeepAlive(store);
        GC.KeepAlive(envelopes);
        GC.KeepAlive(others);
        return (after - before - othersBytes) / conversations;
    }

    // What the one-message conversations that push the measured ones out of the active set take on their own.
    private static long OneMessageConversations(OnnxSafetyScorer scorer, ConversationWindowLimits limits, IReadOnlyList<MessageEnvelope> envelopes)
    {
        var store = new InMemoryConversationStateStore(envelopes.Count + 1);
        GC.Collect();
        long before = GC.GetTotalMemory(true);
        foreach (var e in envelopes)
        {
            var append = new WindowAppend(e.Message.Id, e.Sender.Id, e.Sender.AgeBand, scorer.AnalyzeMessage(e.Message.Text!), e.Sender.AgeAssurance);
            store.AppendAsync(e.Message.RoomId, append, limits).AsTask().GetAwaiter().GetResult();
        }

        GC.Collect();
        long after = GC.GetTotalMemory(true);
        GC.KeepAlive(store);
        return after - before;
    }
}
