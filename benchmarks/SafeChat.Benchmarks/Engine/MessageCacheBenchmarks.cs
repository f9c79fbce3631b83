using BenchmarkDotNet.Attributes;
using SafeChat.Inference;
using SafeChat.Scoring;

namespace SafeChat.Benchmarks.Engine;

/// <summary>
/// The per-message output cache (<see cref="OnnxSafetyScorer.MessageCacheCapacity"/>), per message, on 256 distinct
/// game-chat lines (16 texts, each with its own number): AnalyzeBatch with the cache off (baseline: every text
/// normalized, tokenized and scored), with a warm cache (every text a hit), and with a one-entry cache (every lookup a
/// miss that scores, inserts and evicts: the cache's overhead on new text).
/// </summary>
[MemoryDiagnoser]
public class MessageCacheBenchmarks
{
    private const int Size = 256;
    private OnnxSafetyScorer _off = null!;
    private OnnxSafetyScorer _warm = null!;
    private OnnxSafetyScorer _thrashing = null!;
    private string[] _texts = [];

    [GlobalSetup]
    public void Setup()
    {
        _texts = Enumerable.Range(0, Size).Select(i => GameChat.Lines[i % GameChat.Lines.Length] + " " + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        _off = OnnxSafetyScorer.LoadDefault();
        _off.MessageCacheCapacity = 0;
        _warm = OnnxSafetyScorer.LoadDefault();
        _warm.AnalyzeBatch(_texts);
        _thrashing = OnnxSafetyScorer.LoadDefault();
        _thrashing.MessageCacheCapacity = 1;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _off.Dispose();
        _warm.Dispose();
        _thrashing.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Size, Description = "AnalyzeBatch 256, cache off (per message)")]
    public IReadOnlyList<MessageSignals> CacheOff() => _off.AnalyzeBatch(_texts);

    [Benchmark(OperationsPerInvoke = Size, Description = "AnalyzeBatch 256, warm cache: all hits (per message)")]
    public IReadOnlyList<MessageSignals> AllHits() => _warm.AnalyzeBatch(_texts);

    [Benchmark(OperationsPerInvoke = Size, Description = "AnalyzeBatch 256, 1-entry cache: all misses (per message)")]
    public IReadOnlyList<MessageSignals> AllMisses() => _thrashing.AnalyzeBatch(_texts);
}
