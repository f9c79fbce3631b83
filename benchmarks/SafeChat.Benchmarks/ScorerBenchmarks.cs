using BenchmarkDotNet.Attributes;
using SafeChat.Conversations;
using SafeChat.Inference;
using SafeChat.Scoring;

namespace SafeChat.Benchmarks;

/// <summary>
/// The shipped detection models through <see cref="OnnxSafetyScorer"/>: one ~60-character message (normalization,
/// tokenization, featurization, ONNX run; the on-device path), a batch of 64 (the server path), and one window
/// assessment over 50 already-scored messages; plus a pasted chat log of 2,000 words (chunks + the transcript head).
/// </summary>
[MemoryDiagnoser]
public class ScorerBenchmarks
{
    private const string Message = "ur so mature for ur age, dont tell ur parents we talk ok?? lol";

    private static readonly string[] Texts =
    [
        "gg that was close lol", "how old r u btw", "send me a pic of ur outfit", "dont tell anyone about us ok",
        "add me on snap its easier", "wanna meet at the mall saturday", "i have ur pics, pay 200 or everyone sees them",
        "u have 1 hour", "mom can u pick me up at 5", "did u finish the math homework",
    ];

    private OnnxSafetyScorer _scorer = null!;
    private string[] _batch = [];
    private WindowMessage[] _window = [];
    private string _pastedLog = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _scorer = OnnxSafetyScorer.LoadDefault();
        _batch = Enumerable.Range(0, 64).Select(i => Texts[i % Texts.Length] + " " + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        _window = Enumerable.Range(0, 50)
            .Select(i => new WindowMessage(i, i % 2 == 0 ? "adult_user" : "kid_user", i % 2 == 0 ? AgeBand.Unknown : AgeBand.Teen, _scorer.AnalyzeMessage(Texts[i % Texts.Length])))
            .ToArray();
        _pastedLog = string.Join(' ', Enumerable.Range(0, 320).Select(i => Texts[i % Texts.Length]));
    }

    [GlobalCleanup]
    public void Cleanup() => _scorer.Dispose();

    [Benchmark(Baseline = true)]
    public MessageSignals SingleMessage() => _scorer.AnalyzeMessage(Message);

    [Benchmark]
    public IReadOnlyList<MessageSignals> Batch64() => _scorer.AnalyzeBatch(_batch);

    [Benchmark]
    public RiskAssessment Assess50MessageWindow() => _scorer.Assess(_window);

    [Benchmark]
    public MessageSignals PastedLog2000Words() => _scorer.AnalyzeMessage(_pastedLog);
}
