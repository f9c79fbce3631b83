using BenchmarkDotNet.Attributes;
using SafeChat.Inference;
using SafeChat.Scoring;

namespace SafeChat.Benchmarks.Engine;

/// <summary>
/// The extra CPU of the semantic rows (<c>safechat-train --semantic</c>) per message: single-message scoring (the device
/// path) with the shipped models against models trained with <c>--semantic</c>, read from the directory in
/// <c>SAFECHAT_SEMANTIC_MODELS</c> (for example <c>/tmp/encoder-models</c>). Run:
/// <c>SAFECHAT_SEMANTIC_MODELS=/tmp/encoder-models dotnet run -c Release --project benchmarks/SafeChat.Benchmarks -- --filter '*SemanticRows*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class SemanticRowsBenchmarks
{
    private static readonly string[] Messages =
    [
        "ur so mature for ur age, dont tell ur parents we talk ok?? lol",
        "gg",
        "can you send me a pic of you in that outfit? i wont show anyone",
        "anyone know how to fix the wifi driver on 22.04, it says I have it installed but nothing works",
    ];

    private OnnxSafetyScorer _scorer = null!;

    /// <summary>Which models: the shipped ones, or the <c>--semantic</c> ones of <c>SAFECHAT_SEMANTIC_MODELS</c>.</summary>
    [Params("shipped", "semantic")]
    public string Models { get; set; } = "shipped";

    [GlobalSetup]
    public void Setup()
    {
        if (Models == "shipped")
        {
            _scorer = OnnxSafetyScorer.LoadDefault();
            _scorer.MessageCacheCapacity = 0;
            return;
        }

        var directory = Environment.GetEnvironmentVariable("SAFECHAT_SEMANTIC_MODELS");
        if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
        {
            throw new InvalidOperationException("Set SAFECHAT_SEMANTIC_MODELS to a models directory trained with safechat-train --semantic.");
        }

        _scorer = OnnxSafetyScorer.Load(directory);
        if (!_scorer.UsesManagedKernels)
        {
            throw new InvalidOperationException($"{directory}: the graphs are not read by the managed kernels; this would measure ONNX Runtime.");
        }

        // The model's own cost: every message scored, not answered by the per-message output cache.
        _scorer.MessageCacheCapacity = 0;
    }

    [GlobalCleanup]
    public void Cleanup() => _scorer.Dispose();

    [Benchmark(Description = "score 4 messages one by one (device path)")]
    public float ScoreFour()
    {
        float sum = 0;
        foreach (var message in Messages)
        {
            MessageSignals signals = _scorer.AnalyzeMessage(message);
            sum += signals.Probabilities[0];
        }

        return sum;
    }
}
