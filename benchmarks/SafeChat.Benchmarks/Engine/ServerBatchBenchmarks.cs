using BenchmarkDotNet.Attributes;
using SafeChat.Inference;
using SafeChat.Scoring;

namespace SafeChat.Benchmarks.Engine;

/// <summary>
/// Message scoring per message: one at a time (the device path, baseline) against AnalyzeBatch of 256 game-chat
/// messages (the server path). Figures are per message (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class ServerBatchBenchmarks
{
    private const int Size = 256;
    private OnnxSafetyScorer _scorer = null!;
    private string[] _texts = [];

    [GlobalSetup]
    public void Setup()
    {
        _scorer = OnnxSafetyScorer.LoadDefault();
        // The model's own cost: no per-message output cache (MessageCacheBenchmarks measures the cache).
        _scorer.MessageCacheCapacity = 0;
        _texts = Enumerable.Range(0, Size).Select(i => GameChat.Lines[i % GameChat.Lines.Length] + " " + (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _scorer.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Size, Description = "AnalyzeMessage x256 (per message)")]
    public MessageSignals OneByOne()
    {
        MessageSignals last = null!;
        foreach (var text in _texts)
        {
            last = _scorer.AnalyzeMessage(text);
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = Size, Description = "AnalyzeBatch of 256 (per message)")]
    public IReadOnlyList<MessageSignals> Batch() => _scorer.AnalyzeBatch(_texts);
}
