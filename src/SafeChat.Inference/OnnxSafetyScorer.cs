using System.Buffers;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using SafeChat.Inference.Caching;
using SafeChat.Inference.Features;
using SafeChat.Inference.Models;
using SafeChat.Inference.Onnx;
using SafeChat.Scoring;

namespace SafeChat.Inference;

/// <summary>
/// SafeChat's default <see cref="ISafetyScorer"/>: the <c>safechat-signals-v1</c> per-message model and the
/// <c>safechat-risk-v1</c> conversation aggregator. The shipped graphs are evaluated from their own weights in managed
/// code (no ONNX Runtime session is made for them); any other graph runs in ONNX Runtime (one session per model).
/// </summary>
/// <remarks>
/// <para>Every message is normalized against evasion, tokenized with the model's WordPiece vocabulary and scored in
/// chunks of at most 20 tokens (a long message, such as a pasted chat log, is scored chunk by chunk). The window
/// assessment groups messages by author, describes each author by which signals fired and how often, and lets the
/// aggregator turn that into a risk per harm; the conversation's risk is the riskiest author's.</para>
/// <para>Both model cards are loaded first and every file's sha256 is checked before any model runs. Thread-safe.
/// Dispose when done.</para>
/// <para><see cref="Assess"/> reads the window only while it runs and keeps no reference to it, so the engine lends it a
/// reused array (internal <c>IWindowBorrowingScorer</c>).</para>
/// </remarks>
public sealed class OnnxSafetyScorer : ISafetyScorer, IWindowBorrowingScorer, IDisposable
{
    // The ONNX Runtime sessions, null for a graph evaluated in managed code (no session is made for it).
    private readonly OnnxLinearModel? _signalsModel;
    private readonly OnnxLinearModel? _riskModel;
    private readonly SafetyScorerCore _core;

    private OnnxSafetyScorer(VerifiedModel signals, VerifiedModel risk, bool onnxRuntimeOnly = false)
    {
        CheckSignalsCard(signals);
        CheckRiskCard(risk);
        var vocabulary = signals.GetFile(MessageFeaturizer.VocabularyFileName);
        int tokenFeatureVersion = TokenFeatureVersion(signals);

        // The tokenizer is built from the verified vocabulary on another thread while the graphs are read (each takes
        // about a tenth of a second at start-up); a tokenizer error is still reported before a graph error.
        var featurizerTask = Task.Run(() => MessageFeaturizer.Create(new MemoryStream(vocabulary.ToArray(), writable: false), tokenFeatureVersion));

        // The shipped graphs are evaluated from their own weights in managed code (per row, so a message's signals never
        // depend on what else is in its batch, and no runtime call per message), checked against their cards from the
        // graph itself, and no ONNX Runtime session is made for them; any other graph runs in ONNX Runtime.
        (SparseLinearKernel Kernel, OnnxGraphSignature Signature)? sparse = null;
        (DenseLogisticKernel Kernel, OnnxGraphSignature Signature)? dense = null;
        OnnxGraphSignature? signalsGraph = null, riskGraph = null;
        ExceptionDispatchInfo? graphError = null;
        try
        {
            sparse = onnxRuntimeOnly ? null : ReadSparse(signals);
            if (sparse is not null)
            {
                signalsGraph = sparse.Value.Signature;
            }
            else
            {
                _signalsModel = OnnxLinearModel.FromVerified(signals);
                signalsGraph = _signalsModel.Signature;
            }

            dense = onnxRuntimeOnly ? null : ReadDense(risk);
            if (dense is not null)
            {
                riskGraph = dense.Value.Signature;
            }
            else
            {
                _riskModel = OnnxLinearModel.FromVerified(risk);
                riskGraph = _riskModel.Signature;
            }
        }
        catch (Exception ex)
        {
            graphError = ExceptionDispatchInfo.Capture(ex);
        }

        try
        {
            var featurizer = featurizerTask.GetAwaiter().GetResult();
            graphError?.Throw();

            // An aggregator trained before the group-chat block takes the first RiskFeatures.LegacyCount features.
            bool legacyRisk = riskGraph!.FeatureCount == RiskFeatures.LegacyCount;
            if ((riskGraph.FeatureCount != RiskFeatures.Count && !legacyRisk) || riskGraph.OutputCount != HarmNames.All.Count)
            {
                throw new ModelCardException(
                    $"{risk.SourceName}/{ModelCard.CardFileName}",
                    "$.inputs",
                    $"the aggregator takes {riskGraph.FeatureCount} features and gives {riskGraph.OutputCount} outputs; this scorer needs {RiskFeatures.Count} (or {RiskFeatures.LegacyCount}, an aggregator from before the group-chat block) and {HarmNames.All.Count}.");
            }

            var thresholds = new Dictionary<string, float>(StringComparer.Ordinal);
            foreach (var harm in HarmNames.All)
            {
                if (!risk.Card.Thresholds.TryGetValue(harm, out float threshold) || threshold is <= 0f or > 1f)
                {
                    throw new ModelCardException($"{risk.SourceName}/{ModelCard.CardFileName}", $"$.thresholds['{harm}']", "must be a number in (0, 1].");
                }

                thresholds[harm] = threshold;
            }

            // A signals graph with one row per vocabulary token after the hash buckets carries the distilled semantic
            // rows (see SemanticFeatures): the featurizer then also writes each chunk's token ids.
            if (signalsGraph!.FeatureCount == SemanticFeatures.FeatureCount(featurizer.VocabularySize))
            {
                featurizer = featurizer.WithSemanticFeatures();
            }

            // The semantic second stage, when the risk card describes one (see SemanticStage).
            var semantic = SemanticStage.TryLoad(risk, featurizer.VocabularySize);
            var descriptor = new ScorerDescriptor(
                ModelLayout.SignalsModelId,
                $"{signals.Card.Id}@{signals.Card.Sha256[..8]}+{risk.Card.Id}@{risk.Card.Sha256[..8]}" + (semantic is null ? "" : $"+semantic@{semantic.Sha256[..8]}"),
                SignalNames.All,
                thresholds);
            UsesManagedKernels = sparse is not null && dense is not null;
            ISignalModel signalRunner = sparse is { } s ? new ManagedSignalsRunner(s.Kernel) : new SignalsRunner(_signalsModel!);
            IRiskModel riskRunner = dense is { } d ? new ManagedRiskRunner(legacyRisk ? d.Kernel.WithFeatureCount(RiskFeatures.Count) : d.Kernel) : new RiskRunner(_riskModel!);
            _core = new SafetyScorerCore(featurizer, signalRunner, riskRunner, descriptor, semantic);
            _riskRowsIndependent = dense is not null;
            _signalRowsIndependent = sparse is not null;
            MessageCacheCapacity = DefaultMessageCacheCapacity;
        }
        catch
        {
            _signalsModel?.Dispose();
            _riskModel?.Dispose();
            throw;
        }
    }

    // The signals graph's managed kernel and signature when the graph is exactly the sparse linear graph (checked against
    // its card here, as OnnxLinearModel.FromVerified checks a session), else null.
    private static (SparseLinearKernel Kernel, OnnxGraphSignature Signature)? ReadSparse(VerifiedModel model)
    {
        var kernel = LinearGraphReader.TryReadSparse(model.ModelArray, $"{model.SourceName}/{ModelCard.ModelFileName}", out var signature);
        if (kernel is null || signature is not { Kind: OnnxLinearModelKind.Sparse }
            || kernel.OutputCount != signature.OutputCount || (signature.FeatureCount > 0 && kernel.FeatureCount != signature.FeatureCount))
        {
            return null;
        }

        signature.CheckAgainst(model.Card, $"{model.SourceName}/{ModelCard.CardFileName}");
        return (kernel, signature);
    }

    // The risk graph's managed kernel and signature when the graph is exactly the dense logistic graph (checked against its card), else null.
    private static (DenseLogisticKernel Kernel, OnnxGraphSignature Signature)? ReadDense(VerifiedModel model)
    {
        var kernel = LinearGraphReader.TryReadDense(model.ModelArray, $"{model.SourceName}/{ModelCard.ModelFileName}", out var signature);
        if (kernel is null || signature is not { Kind: OnnxLinearModelKind.Dense }
            || kernel.OutputCount != signature.OutputCount || kernel.FeatureCount != signature.FeatureCount)
        {
            return null;
        }

        signature.CheckAgainst(model.Card, $"{model.SourceName}/{ModelCard.CardFileName}");
        return (kernel, signature);
    }

    /// <summary>The default <see cref="MessageCacheCapacity"/>: 65,536 distinct message texts (a few MiB at most).</summary>
    public const int DefaultMessageCacheCapacity = 65_536;

    /// <inheritdoc />
    public ScorerDescriptor Descriptor => _core.Descriptor;

    /// <summary>
    /// How many distinct message texts keep their per-message outputs in memory, so a repeated line ("gg", "lol", "?")
    /// is not normalized, tokenized and scored again; 0 turns the cache off. The cache holds no text: only a 128-bit
    /// keyed hash of each text (SipHash-1-3 under a random per-process key) and the outputs, which depend on the text
    /// alone, so results are identical with and without it. Least recently used texts leave first (CLOCK). The same
    /// capacity bounds a second memo of the risk aggregator's per-author rows (keyed by a hash of exactly what the
    /// aggregator reads of an author: their messages' scores, the age context; no ids), used when the shipped graphs run
    /// in managed code. Both caches are used only with the managed kernels (the shipped graphs), which score each row on
    /// its own; with graphs that run in ONNX Runtime the value is kept but nothing is cached. Setting it starts empty
    /// caches. Default <see cref="DefaultMessageCacheCapacity"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MessageCacheCapacity
    {
        get => _messageCacheCapacity;
        set
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The message cache capacity cannot be negative.");
            }

            _messageCacheCapacity = value;

            // Only where each row is scored on its own (the managed kernels): ONNX Runtime's batched results may differ in
            // the last bit from one batch shape to another, so there a cached result could differ from a fresh one.
            _core.MessageCache = value == 0 || !_signalRowsIndependent ? null : new TextOutputCache<MessageSignals>(value);

            // The per-author memo of the aggregator's rows, same size: only with the managed kernel, which scores each
            // row on its own (ONNX Runtime's batched results may differ in the last bit from one batch shape to another).
            _core.AuthorRiskCache = value == 0 || !_riskRowsIndependent ? null : new TextOutputCache<float[]>(value);
        }
    }

    private readonly bool _riskRowsIndependent;
    private readonly bool _signalRowsIndependent;
    private int _messageCacheCapacity;

    /// <summary>The per-author aggregator memo, or null when it is off (for tests and benchmarks).</summary>
    internal TextOutputCache<float[]>? AuthorRiskCache => _core.AuthorRiskCache;

    /// <summary>The per-message output cache, or null when it is off (for tests and benchmarks).</summary>
    internal TextOutputCache<MessageSignals>? MessageCache => _core.MessageCache;

    /// <summary>The semantic second stage, or null when the risk model has none.</summary>
    internal SemanticStage? Semantic => _core.Semantic;

    /// <summary>True when both graphs are evaluated from their weights in managed code (the shipped graphs), false when ONNX Runtime runs them.</summary>
    internal bool UsesManagedKernels { get; }

    /// <summary>How many ONNX Runtime sessions this scorer made (0 with the shipped graphs: they run in managed code).</summary>
    internal int OnnxRuntimeSessions => (_signalsModel is null ? 0 : 1) + (_riskModel is null ? 0 : 1);

    /// <summary>Loads the models and runs both in ONNX Runtime (the reference the managed kernels are checked against).</summary>
    internal static OnnxSafetyScorer LoadWithOnnxRuntime(IModelFileSource signals, IModelFileSource risk) =>
        new(ModelCard.LoadVerifiedModel(signals), ModelCard.LoadVerifiedModel(risk), onnxRuntimeOnly: true);

    /// <summary>Loads the models shipped inside this assembly (<c>models/safechat-signals-v1</c> and <c>models/safechat-risk-v1</c>).</summary>
    /// <exception cref="ModelCardException">A card is missing, malformed, or does not match this scorer.</exception>
    /// <exception cref="ModelIntegrityException">A model file is missing or its sha256 differs from the card.</exception>
    public static OnnxSafetyScorer LoadDefault()
    {
        var assembly = typeof(OnnxSafetyScorer).Assembly;
        return Load(
            new EmbeddedModelFileSource(assembly, ModelLayout.ResourcePrefix(ModelLayout.SignalsModelId)),
            new EmbeddedModelFileSource(assembly, ModelLayout.ResourcePrefix(ModelLayout.RiskModelId)));
    }

    /// <summary>Loads the models from a directory holding <c>safechat-signals-v1/</c> and <c>safechat-risk-v1/</c>.</summary>
    /// <param name="modelsDirectory">The <c>models</c> directory written by <c>safechat-train</c>.</param>
    /// <exception cref="ModelCardException">A card is missing, malformed, or does not match this scorer.</exception>
    /// <exception cref="ModelIntegrityException">A model file is missing or its sha256 differs from the card.</exception>
    public static OnnxSafetyScorer Load(string modelsDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelsDirectory);
        return Load(
            new DirectoryModelFileSource(Path.Combine(modelsDirectory, ModelLayout.SignalsModelId)),
            new DirectoryModelFileSource(Path.Combine(modelsDirectory, ModelLayout.RiskModelId)));
    }

    /// <summary>Loads the signals and risk models from two file sources (directories or embedded resources).</summary>
    /// <exception cref="ModelCardException">A card is missing, malformed, or does not match this scorer.</exception>
    /// <exception cref="ModelIntegrityException">A model file is missing or its sha256 differs from the card.</exception>
    public static OnnxSafetyScorer Load(IModelFileSource signals, IModelFileSource risk)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(risk);
        return new OnnxSafetyScorer(ModelCard.LoadVerifiedModel(signals), ModelCard.LoadVerifiedModel(risk));
    }

    /// <inheritdoc />
    public MessageSignals AnalyzeMessage(string text) => _core.AnalyzeMessage(text);

    /// <inheritdoc />
    public IReadOnlyList<MessageSignals> AnalyzeBatch(IReadOnlyList<string> texts) => _core.AnalyzeBatch(texts);

    /// <inheritdoc />
    public RiskAssessment Assess(IReadOnlyList<WindowMessage> window) => _core.Assess(window);

    /// <inheritdoc />
    public void Dispose()
    {
        _signalsModel?.Dispose();
        _riskModel?.Dispose();
    }

    private static void CheckSignalsCard(VerifiedModel model)
    {
        var card = model.Card;
        string file = $"{model.SourceName}/{ModelCard.CardFileName}";
        if (!card.Labels.SequenceEqual(ModelLayout.SignalsLabels))
        {
            throw new ModelCardException(file, "$.labels", $"expected [{string.Join(", ", ModelLayout.SignalsLabels)}].");
        }

        if (card.Tokenizer is null || !card.Tokenizer.Files.Contains(MessageFeaturizer.VocabularyFileName))
        {
            throw new ModelCardException(file, "$.tokenizer.files", $"must list '{MessageFeaturizer.VocabularyFileName}'.");
        }

        RequireNumber(card, file, ModelLayout.HashBitsKey, FeatureHashing.HashBits);
        RequireNumber(card, file, ModelLayout.ChunkTokensKey, MessageFeaturizer.ChunkTokens);
        RequireNumber(card, file, ModelLayout.ChunkStrideKey, MessageFeaturizer.ChunkStride);
    }

    private static void CheckRiskCard(VerifiedModel model)
    {
        string file = $"{model.SourceName}/{ModelCard.CardFileName}";
        // The card lists every feature this scorer computes, or the first RiskFeatures.LegacyCount of them (an aggregator
        // trained before the group-chat block).
        if (!model.Card.Hyperparameters.TryGetValue(ModelLayout.FeatureNamesKey, out var node) || node is not JsonArray names ||
            !(names.Count is var count && (count == RiskFeatures.Count || count == RiskFeatures.LegacyCount)
              && names.Select(n => n?.GetValue<string>()).SequenceEqual(RiskFeatures.Names.Take(count))))
        {
            throw new ModelCardException(file, $"$.hyperparameters.{ModelLayout.FeatureNamesKey}", "does not match the features this scorer computes.");
        }
    }

    /// <summary>The signals model's token feature version: 1 when the card has no key (older models), else 1 or 2.</summary>
    private static int TokenFeatureVersion(VerifiedModel model)
    {
        if (!model.Card.Hyperparameters.TryGetValue(ModelLayout.TokenFeaturesKey, out var node) || node is null)
        {
            return TokenFeatures.PlainVersion;
        }

        int version = node.GetValue<int>();
        return version is >= TokenFeatures.PlainVersion and <= TokenFeatures.LatestVersion
            ? version
            : throw new ModelCardException($"{model.SourceName}/{ModelCard.CardFileName}", $"$.hyperparameters.{ModelLayout.TokenFeaturesKey}",
                $"must be {TokenFeatures.PlainVersion} to {TokenFeatures.LatestVersion} for this scorer.");
    }

    private static void RequireNumber(ModelCard card, string file, string key, int expected)
    {
        if (!card.Hyperparameters.TryGetValue(key, out var node) || node is null ||
            node.GetValue<int>() != expected)
        {
            throw new ModelCardException(file, $"$.hyperparameters.{key}", $"must be {expected.ToString(CultureInfo.InvariantCulture)} for this scorer.");
        }
    }

    private sealed class SignalsRunner(OnnxLinearModel model) : ISignalModel
    {
        public int Outputs => model.OutputCount;

        public void Run(long[] ids, float[] values, int rows, float[] output)
        {
            int l = MessageFeaturizer.MaxFeaturesPerChunk;
            var lengths = ArrayPool<int>.Shared.Rent(rows);
            try
            {
                lengths.AsSpan(0, rows).Fill(l);
                model.RunBatch(ids.AsSpan(0, rows * l), values.AsSpan(0, rows * l), lengths.AsSpan(0, rows), output.AsSpan(0, rows * Outputs));
            }
            finally
            {
                ArrayPool<int>.Shared.Return(lengths);
            }
        }

        public void RunRow(ReadOnlySpan<long> ids, ReadOnlySpan<float> values, Span<float> output) => model.Run(ids, values, output);
    }

    private sealed class ManagedSignalsRunner(SparseLinearKernel kernel) : ISignalModel
    {
        public int Outputs => kernel.OutputCount;

        public void Run(long[] ids, float[] values, int rows, float[] output)
        {
            int l = MessageFeaturizer.MaxFeaturesPerChunk;
            kernel.RunBatch(ids.AsSpan(0, rows * l), values.AsSpan(0, rows * l), rows, l, output.AsSpan(0, rows * Outputs));
        }

        public void RunRow(ReadOnlySpan<long> ids, ReadOnlySpan<float> values, Span<float> output) => kernel.Run(ids, values, output);
    }

    private sealed class ManagedRiskRunner(DenseLogisticKernel kernel) : IRiskModel
    {
        public void Run(float[] features, int rows, float[] output) =>
            kernel.Run(features.AsSpan(0, rows * RiskFeatures.Count), rows, output.AsSpan(0, rows * HarmNames.All.Count));
    }

    private sealed class RiskRunner(OnnxLinearModel model) : IRiskModel
    {
        public void Run(float[] features, int rows, float[] output)
        {
            int f = RiskFeatures.Count;
            int used = model.FeatureCount;
            if (used == f)
            {
                model.RunDense(features.AsSpan(0, rows * f), rows, output.AsSpan(0, rows * HarmNames.All.Count));
                return;
            }

            // A legacy aggregator reads the first `used` features of each row.
            var packed = ArrayPool<float>.Shared.Rent(rows * used);
            try
            {
                for (int r = 0; r < rows; r++)
                {
                    features.AsSpan(r * f, used).CopyTo(packed.AsSpan(r * used, used));
                }

                model.RunDense(packed.AsSpan(0, rows * used), rows, output.AsSpan(0, rows * HarmNames.All.Count));
            }
            finally
            {
                ArrayPool<float>.Shared.Return(packed);
            }
        }
    }
}
