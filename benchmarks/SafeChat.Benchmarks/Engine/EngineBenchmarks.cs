using BenchmarkDotNet.Attributes;
using SafeChat.Engine;
using SafeChat.Inference;

namespace SafeChat.Benchmarks.Engine;

/// <summary>
/// The end-to-end engine (scoring, window, assessment, counters, alert latch, no policy) over many concurrent game-chat
/// conversations: 1,000 conversations of 4 messages, interleaved. Figures are per message (OperationsPerInvoke), so
/// "Allocated" is the allocation per message. Baseline: the same messages one by one through ProcessAsync (the device
/// path); ProcessBatchAsync is the server/batch path (large scoring batches, conversations in parallel on all cores).
/// Each invocation uses fresh conversation ids, so every window starts empty.
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private const int Conversations = 1000;
    private const int PerConversation = 4;
    private const int Messages = Conversations * PerConversation;

    private OnnxSafetyScorer _scorer = null!;
    private SafeChatEngine _engine = null!;
    private MessageEnvelope[][] _rounds = [];
    private int _round;

    [GlobalSetup]
    public void Setup()
    {
        _scorer = OnnxSafetyScorer.LoadDefault();
        _engine = new SafeChatEngine(_scorer, new SafeChatEngineOptions { MaxConversations = 50_000 });
        _rounds = Enumerable.Range(0, 8).Select(r => GameChat.Envelopes(Conversations, PerConversation, "r" + r)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _scorer.Dispose();

    [IterationSetup]
    public void NextRound()
    {
        _round = (_round + 1) % _rounds.Length;
        foreach (var envelope in _rounds[_round])
        {
            _engine.EndConversationAsync(envelope.Message.RoomId).AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages, Description = "ProcessAsync, one by one (per message)")]
    public async Task OneByOne()
    {
        foreach (var envelope in _rounds[_round])
        {
            await _engine.ProcessAsync(envelope);
        }
    }

    [Benchmark(OperationsPerInvoke = Messages, Description = "ProcessBatchAsync, 4,000 messages (per message)")]
    public async Task Batch() => await _engine.ProcessBatchAsync(_rounds[_round]);
}
