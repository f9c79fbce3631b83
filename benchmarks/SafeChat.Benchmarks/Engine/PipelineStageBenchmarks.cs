using BenchmarkDotNet.Attributes;
using SafeChat.Conversations;
using SafeChat.Inference;
using SafeChat.Inference.Features;
using SafeChat.Inference.Models;
using SafeChat.Scoring;

namespace SafeChat.Benchmarks.Engine;

/// <summary>
/// The stages of one message, each on its own, per message: text normalization (baseline), normalization plus WordPiece
/// tokenization, single-message scoring (the device path: normalize, tokenize, featurize, the signals model), the window
/// assessment of a game-chat window (4 messages, 2 authors) and of a full window (50 recent + 32 salient messages).
/// </summary>
[MemoryDiagnoser]
public class PipelineStageBenchmarks
{
    private const string Message = "ur so mature for ur age, dont tell ur parents we talk ok?? lol";

    private OnnxSafetyScorer _scorer = null!;
    private MessageFeaturizer _featurizer = null!;
    private WindowMessage[] _gameWindow = [];
    private WindowMessage[] _fullWindow = [];

    [GlobalSetup]
    public void Setup()
    {
        _scorer = OnnxSafetyScorer.LoadDefault();
        // The model's own cost: no per-message output cache (MessageCacheBenchmarks measures the cache).
        _scorer.MessageCacheCapacity = 0;
        var assembly = typeof(OnnxSafetyScorer).Assembly;
        var source = new EmbeddedModelFileSource(assembly, ModelLayout.ResourcePrefix(ModelLayout.SignalsModelId));
        var vocabulary = ModelCard.LoadVerifiedModel(source).GetFile(MessageFeaturizer.VocabularyFileName);
        _featurizer = MessageFeaturizer.Create(new MemoryStream(vocabulary.ToArray()));
        _gameWindow = Window(4);
        _fullWindow = Window(82);
    }

    [GlobalCleanup]
    public void Cleanup() => _scorer.Dispose();

    [Benchmark(Baseline = true, Description = "normalize")]
    public string Normalize() => TextNormalization.Normalize(Message);

    [Benchmark(Description = "normalize + tokenize")]
    public IReadOnlyList<int> Tokenize() => _featurizer.Tokenize(Message);

    [Benchmark(Description = "score one message (device path)")]
    public MessageSignals ScoreOne() => _scorer.AnalyzeMessage(Message);

    [Benchmark(Description = "assess a 4-message window")]
    public RiskAssessment AssessGameWindow() => _scorer.Assess(_gameWindow);

    [Benchmark(Description = "assess a full 82-message window")]
    public RiskAssessment AssessFullWindow() => _scorer.Assess(_fullWindow);

    private WindowMessage[] Window(int count) => Enumerable.Range(0, count)
        .Select(i => new WindowMessage(i, i % 2 == 0 ? "adult_user" : "kid_user", i % 2 == 0 ? AgeBand.Unknown : AgeBand.Teen, _scorer.AnalyzeMessage(GameChat.Lines[i % GameChat.Lines.Length])))
        .ToArray();
}
