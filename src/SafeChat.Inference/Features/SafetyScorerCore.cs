using System.Buffers;
using SafeChat.Scoring;

namespace SafeChat.Inference.Features;

/// <summary>The per-message (signals) model: sparse ids/values [rows, L] → probabilities [rows, K].</summary>
internal interface ISignalModel
{
    /// <summary>Number of outputs per row (13 signals + 2 line-level harm heads).</summary>
    int Outputs { get; }

    /// <summary>Scores <paramref name="rows"/> chunks. Buffers are row-major; <paramref name="output"/> holds rows × Outputs.</summary>
    void Run(long[] ids, float[] values, int rows, float[] output);

    /// <summary>Scores one sparse row of any length (a whole-message document); <paramref name="output"/> holds Outputs.</summary>
    void RunRow(ReadOnlySpan<long> ids, ReadOnlySpan<float> values, Span<float> output);
}

/// <summary>The dense risk aggregator: features [rows, F] → per-harm risk [rows, harms].</summary>
internal interface IRiskModel
{
    /// <summary>Scores <paramref name="rows"/> authors.</summary>
    void Run(float[] features, int rows, float[] output);
}

/// <summary>
/// The scoring logic shared by the ONNX scorer and the trainer's managed twin: normalization → featurization →
/// signals model per chunk → per-author window features → aggregator. Thread-safe if the models are.
/// </summary>
internal sealed class SafetyScorerCore
{
    /// <summary>Largest number of chunks sent to the signals model in one run.</summary>
    public const int MaxRowsPerRun = 256;

    private readonly MessageFeaturizer _featurizer;
    private readonly ISignalModel _signals;
    private readonly IRiskModel _risk;
    // One reusable WindowFeatures per thread (taken out while in use, so a nested call on the same thread gets its own).
    // A ConcurrentBag here cost more than the work: its per-thread queues lock when they hold 0 or 1 items, and idle
    // threads stole each other's buffers, so every Assess contended on a monitor.
    [ThreadStatic]
    private static WindowFeatures? t_windowFeatures;

    private readonly int _signalCount;
    private readonly bool _hasTranscript;

    public SafetyScorerCore(MessageFeaturizer featurizer, ISignalModel signals, IRiskModel risk, ScorerDescriptor descriptor)
    {
        _featurizer = featurizer;
        _signals = signals;
        _risk = risk;
        Descriptor = descriptor;
        _signalCount = descriptor.SignalNames.Count;
        int heads = ModelLayout.SignalsLabels.Count - SignalNames.All.Count;

        // Fold models used during training have no transcript head (it is trained once, on whole documents).
        if (signals.Outputs != _signalCount + heads && signals.Outputs != _signalCount + heads - 1)
        {
            throw new InvalidOperationException(
                $"The signals model has {signals.Outputs} outputs; expected {_signalCount} signals + {heads} line heads " +
                $"({string.Join(", ", ModelLayout.SignalsLabels.Skip(SignalNames.All.Count))}).");
        }

        _hasTranscript = signals.Outputs == _signalCount + heads;
    }

    public ScorerDescriptor Descriptor { get; }

    public MessageSignals AnalyzeMessage(string text)
    {
        var tokens = _featurizer.Tokenize(text);
        int chunks = MessageFeaturizer.ChunkCount(tokens.Count);
        if (chunks == 0)
        {
            return MessageSignals.Empty(_signalCount);
        }

        var results = new MessageSignals[chunks];
        ScoreChunks([tokens], [0], chunks, results);
        return ModelLayout.Combine(results, ScoreTranscript(tokens));
    }

    public IReadOnlyList<MessageSignals> AnalyzeBatch(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var tokens = new IReadOnlyList<int>[texts.Count];
        var firstChunk = new int[texts.Count];
        int total = 0;
        for (int i = 0; i < texts.Count; i++)
        {
            tokens[i] = _featurizer.Tokenize(texts[i]);
            firstChunk[i] = total;
            total += MessageFeaturizer.ChunkCount(tokens[i].Count);
        }

        var chunkResults = new MessageSignals[total];
        ScoreChunks(tokens, firstChunk, total, chunkResults);
        var results = new MessageSignals[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            int n = MessageFeaturizer.ChunkCount(tokens[i].Count);
            results[i] = n == 0 ? MessageSignals.Empty(_signalCount) : ModelLayout.Combine(chunkResults.AsSpan(firstChunk[i], n).ToArray(), ScoreTranscript(tokens[i]));
        }

        return results;
    }

    public RiskAssessment Assess(IReadOnlyList<WindowMessage> window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (window.Count == 0)
        {
            return RiskAssessment.None;
        }

        var features = t_windowFeatures ?? new WindowFeatures();
        t_windowFeatures = null;

        try
        {
            features.Build(window);
            int authors = features.Authors.Count;
            int k = HarmNames.All.Count;
            var output = ArrayPool<float>.Shared.Rent(authors * k);
            try
            {
                _risk.Run(features.FeatureBuffer, authors, output);
                ApplyEvidenceGate(features, output.AsSpan(0, authors * k));
                ApplySextortionGate(features, output.AsSpan(0, authors * k));
                ApplyTranscripts(features, output.AsSpan(0, authors * k));
                return RiskAssessmentBuilder.Build(features, output.AsSpan(0, authors * k), Descriptor.SignalNames);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(output);
            }
        }
        finally
        {
            t_windowFeatures = features;
        }
    }

    /// <summary>
    /// An unexplained grooming risk is multiplied by this (see <see cref="ApplyEvidenceGate"/>): below the model's alert
    /// threshold and below every threshold of the policy presets (lowest 0.5), while the ranking among such authors is kept.
    /// </summary>
    public const float UnexplainedRiskScale = 0.45f;


    /// <summary>
    /// A grooming alert must be explained by what the author did: an author with no fired grooming signal in the window
    /// stays below every grooming threshold (risk scaled by <see cref="UnexplainedRiskScale"/>, so the ranking among
    /// such authors is kept). The exception is a one-to-one chat with no age bands where the other side reads as a minor
    /// (<see cref="ModelLayout.MinorCueHead"/>): there the line-level grooming head alone may alert (2000s-IM grooming
    /// whose moves the signal heads miss), while multi-party adult chat rooms full of sexual talk stay quiet.
    /// Known ages also gate grooming: with no possible minor target (see <see cref="WindowFeatures.HasPossibleGroomingTarget"/>)
    /// the same scaling applies. Sextortion is not gated: adults are extorted too, and its head rarely fires on benign chat.
    /// </summary>
    private static void ApplyEvidenceGate(WindowFeatures features, Span<float> output)
    {
        int k = HarmNames.All.Count;
        int groomingSignals = SignalNames.Grooming.Count;
        for (int a = 0; a < features.Authors.Count; a++)
        {
            bool groomingFired = false;
            foreach (var unit in features.Units[a])
            {
                var p = unit.Probabilities;
                for (int i = 0; i < p.Length && i < groomingSignals && !groomingFired; i++)
                {
                    groomingFired = p[i] >= RiskFeatures.FiredThreshold;
                }
            }

            // Old-style IM grooming: a one-to-one chat, no age bands given, the other side reads as a minor.
            bool lift = features.Authors.Count == 2 && !features.AnyKnownAge && features.OthersMinorEvidence(a) >= RiskFeatures.FiredThreshold;
            // Grooming is an adult (or older person) targeting a minor: with known ages and no possible minor target
            // (everyone else a known adult, or a known minor among known minors) the author's grooming risk stays low.
            if ((!groomingFired && !lift) || !features.HasPossibleGroomingTarget(a))
            {
                output[a * k] *= UnexplainedRiskScale;
            }
        }
    }

    /// <summary>A sextortion line score at least this strong explains a sextortion alert on its own.</summary>
    public const float StrongSextortionLine = 0.9f;

    /// <summary>
    /// A sextortion alert must be explained by at least two different fired sextortion signals by the author (a claim with
    /// a threat, demand or deadline; or a threat with a demand when no claim is made), or by a strong sextortion line
    /// score (<see cref="StrongSextortionLine"/>). One signal alone ("it says I have it", "the deadline is 9") scales the
    /// author's sextortion risk by <see cref="UnexplainedRiskScale"/>, below every threshold.
    /// </summary>
    private static void ApplySextortionGate(WindowFeatures features, Span<float> output)
    {
        int k = HarmNames.All.Count;
        const int sextortion = 1; // HarmNames.All[1]
        int first = SignalNames.Grooming.Count;
        int count = SignalNames.Sextortion.Count;
        Span<bool> fired = stackalloc bool[count];
        for (int a = 0; a < features.Authors.Count; a++)
        {
            fired.Clear();
            float line = 0f;
            foreach (var unit in features.Units[a])
            {
                var p = unit.Probabilities;
                for (int i = 0; i < count && first + i < p.Length; i++)
                {
                    fired[i] |= p[first + i] >= RiskFeatures.FiredThreshold;
                }

                if (unit.HarmProbabilities.Length > sextortion)
                {
                    line = Math.Max(line, unit.HarmProbabilities[sextortion]);
                }
            }

            int kinds = 0;
            foreach (bool f in fired)
            {
                kinds += f ? 1 : 0;
            }

            if (kinds < 2 && line < StrongSextortionLine)
            {
                output[(a * k) + sextortion] *= UnexplainedRiskScale;
            }
        }
    }

    /// <summary>
    /// An author whose window is mostly pasted chat logs (at least half of their units come from messages with a
    /// transcript score) gets the strongest transcript score as grooming risk: a pasted log has no speakers, so the
    /// per-author aggregator cannot tell who did what, while the document head reads the whole log at once.
    /// </summary>
    private static void ApplyTranscripts(WindowFeatures features, Span<float> output)
    {
        int k = HarmNames.All.Count;
        const int grooming = 0; // HarmNames.All[0]
        for (int a = 0; a < features.Authors.Count; a++)
        {
            var (share, transcript) = features.TranscriptOf(a);
            if (share >= 0.5f)
            {
                output[(a * k) + grooming] = transcript;
            }
        }
    }

    /// <summary>The transcript head's score of a whole message, or null when it is too short or the model has no such head.</summary>
    private float? ScoreTranscript(IReadOnlyList<int> tokens)
    {
        if (!_hasTranscript || tokens.Count < MessageFeaturizer.TranscriptMinTokens)
        {
            return null;
        }

        var ids = new List<long>();
        var values = new List<float>();
        MessageFeaturizer.WriteDocument(tokens, ids, values);
        var output = ArrayPool<float>.Shared.Rent(_signals.Outputs);
        try
        {
            _signals.RunRow(ids.ToArray(), values.ToArray(), output.AsSpan(0, _signals.Outputs));

            // Never exactly 0: 0 marks "not a pasted log".
            return Math.Max(output[_signalCount + ModelLayout.TranscriptHeadIndex], 1e-6f);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(output);
        }
    }

    /// <summary>Scores all chunks of the given token lists, in runs of at most <see cref="MaxRowsPerRun"/> rows.</summary>
    private void ScoreChunks(IReadOnlyList<int>[] tokens, int[] firstChunk, int total, MessageSignals[] results)
    {
        int l = MessageFeaturizer.MaxFeaturesPerChunk;
        int k = _signals.Outputs;
        int runRows = Math.Min(total, MaxRowsPerRun);
        var ids = ArrayPool<long>.Shared.Rent(runRows * l);
        var values = ArrayPool<float>.Shared.Rent(runRows * l);
        var output = ArrayPool<float>.Shared.Rent(runRows * k);
        try
        {
            int message = 0, chunkInMessage = 0, done = 0;
            while (done < total)
            {
                int rows = Math.Min(MaxRowsPerRun, total - done);
                for (int r = 0; r < rows; r++)
                {
                    while (chunkInMessage >= MessageFeaturizer.ChunkCount(tokens[message].Count))
                    {
                        message++;
                        chunkInMessage = 0;
                    }

                    _featurizer.WriteChunk(tokens[message], chunkInMessage, ids.AsSpan(r * l, l), values.AsSpan(r * l, l));
                    chunkInMessage++;
                }

                _signals.Run(ids, values, rows, output);
                for (int r = 0; r < rows; r++)
                {
                    // A chunk is not a document: FromOutputRow leaves the transcript score out.
                    results[done + r] = ModelLayout.FromOutputRow(output.AsSpan(r * k, k), _signalCount);
                }

                done += rows;
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<float>.Shared.Return(values);
            ArrayPool<float>.Shared.Return(output);
        }
    }
}
