using System.Buffers;
using SafeChat.Inference.Caching;
using SafeChat.Scoring;

namespace SafeChat.Inference.Features;

/// <summary>The per-message (signals) model: sparse ids/values [rows, L] → probabilities [rows, K].</summary>
internal interface ISignalModel
{
    /// <summary>Number of outputs per row (the signals, one line-level head per harm, minor_cue, and the transcript head when present).</summary>
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
    private readonly SemanticStage? _semantic;

    public SafetyScorerCore(MessageFeaturizer featurizer, ISignalModel signals, IRiskModel risk, ScorerDescriptor descriptor, SemanticStage? semantic = null)
    {
        _featurizer = featurizer;
        _semantic = semantic;
        _signals = signals;
        _risk = risk;
        Descriptor = descriptor;
        _thresholds = [.. HarmNames.All.Select(Threshold)];
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

    /// <summary>The semantic second stage, or null for none.</summary>
    public SemanticStage? Semantic => _semantic;

    /// <summary>
    /// The per-message output cache (see <see cref="TextOutputCache{TValue}"/>), or null for none. A message's outputs
    /// depend on its text alone (normalization, tokens, chunks and every head are per text, each chunk scored on its
    /// own), so a hit returns exactly what scoring the text again would.
    /// </summary>
    public TextOutputCache<MessageSignals>? MessageCache { get; set; }

    public MessageSignals AnalyzeMessage(string text)
    {
        if (MessageCache is not { } cache)
        {
            return AnalyzeUncached(text);
        }

        var key = cache.KeyOf(text);
        if (cache.TryGet(key, out var cached))
        {
            return cached;
        }

        var result = AnalyzeUncached(text);
        cache.Add(key, result);
        return result;
    }

    public IReadOnlyList<MessageSignals> AnalyzeBatch(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (MessageCache is not { } cache)
        {
            return AnalyzeBatchUncached(texts);
        }

        // Hits are answered from the cache; each distinct missing text is scored once, in one batch.
        var results = new MessageSignals[texts.Count];
        // The keys are only needed during this call: a pooled array (TextKey holds no reference).
        var pooledKeys = ArrayPool<TextKey>.Shared.Rent(texts.Count);
        try
        {
            return AnalyzeBatchCached(texts, cache, results, pooledKeys.AsSpan(0, texts.Count));
        }
        finally
        {
            ArrayPool<TextKey>.Shared.Return(pooledKeys);
        }
    }

    private IReadOnlyList<MessageSignals> AnalyzeBatchCached(IReadOnlyList<string> texts, TextOutputCache<MessageSignals> cache, MessageSignals[] results, Span<TextKey> keys)
    {
        List<string>? missing = null;
        Dictionary<TextKey, int>? missingIndex = null;
        int[]? missingOf = null;
        for (int i = 0; i < texts.Count; i++)
        {
            keys[i] = cache.KeyOf(texts[i]);
        }

        // All the table slots first (their memory waits overlap), then the locked lookups in order.
        cache.Warm(keys);
        for (int i = 0; i < texts.Count; i++)
        {
            if (cache.TryGet(keys[i], out var cached))
            {
                results[i] = cached;
                continue;
            }

            missing ??= [];
            missingIndex ??= [];
            missingOf ??= new int[texts.Count];
            if (!missingIndex.TryGetValue(keys[i], out int m))
            {
                m = missing.Count;
                missingIndex[keys[i]] = m;
                missing.Add(texts[i]);
            }

            missingOf[i] = m + 1;
        }

        if (missing is null)
        {
            return results;
        }

        var scored = AnalyzeBatchUncached(missing);
        for (int i = 0; i < texts.Count; i++)
        {
            if (missingOf![i] > 0)
            {
                results[i] = scored[missingOf[i] - 1];
            }
        }

        foreach (var (key, m) in missingIndex!)
        {
            cache.Add(key, scored[m]);
        }

        return results;
    }

    private MessageSignals AnalyzeUncached(string text)
    {
        var tokens = _featurizer.Tokenize(text);
        int chunks = MessageFeaturizer.ChunkCount(tokens.Count);
        if (chunks == 0)
        {
            return MessageSignals.Empty(_signalCount);
        }

        var results = new MessageSignals[chunks];
        ScoreChunks([tokens], [0], chunks, results);
        return ModelLayout.Combine(results, ScoreTranscript(tokens), SemanticOf(tokens));
    }

    private MessageSignals[] AnalyzeBatchUncached(IReadOnlyList<string> texts)
    {
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
            results[i] = n == 0
                ? MessageSignals.Empty(_signalCount)
                : ModelLayout.Combine(chunkResults.AsSpan(firstChunk[i], n).ToArray(), ScoreTranscript(tokens[i]), SemanticOf(tokens[i]));
        }

        return results;
    }

    // The semantic stage's two per-line scores, or none without a stage.
    private (float Author, float Context) SemanticOf(IReadOnlyList<int> tokens) => _semantic?.ScoreLine(tokens) ?? default;

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
            var memo = AuthorRiskCache;
            features.Build(window, computeFeatures: memo is null);
            int authors = features.Authors.Count;
            int target = features.RoomTarget();
            int rows = authors + (target >= 0 ? 1 : 0);
            int k = HarmNames.All.Count;
            var output = features.RiskOutput(rows * k);
            if (memo is null)
            {
                if (target >= 0)
                {
                    features.BuildRoom(target);
                }

                _risk.Run(features.FeatureBuffer, rows, output);
            }
            else
            {
                RunWithMemo(features, memo, authors, target, output);
            }

            var perAuthor = output.AsSpan(0, authors * k);
            ApplyEvidenceGate(features, perAuthor, _thresholds[GroomingIndex]);
            ApplySextortionGate(features, perAuthor, _thresholds[SextortionIndex]);
            ApplyNewHarmGates(features, perAuthor, _thresholds[TraffickingIndex], _thresholds[LivestreamIndex]);
            _semantic?.Apply(window, features, perAuthor, GroomingIndex, _thresholds[GroomingIndex]);
            ApplyMinorSideGate(features, perAuthor, _thresholds);
            ApplyTranscripts(features, perAuthor);
            RoomRisk? room = null;
            if (target >= 0)
            {
                room = AssessRoom(features, target, output.AsSpan(authors * k, k));
            }

            return RiskAssessmentBuilder.Build(features, perAuthor, Descriptor.SignalNames, room);
        }
        finally
        {
            t_windowFeatures = features;
        }
    }

    /// <summary>
    /// The per-author risk memo, or null for none: an author's raw aggregator output (before the gates) keyed by a 128-bit
    /// keyed hash of everything <see cref="RiskFeatures.Compute"/> reads for that author (each unit's signal, harm and
    /// minor-cue values bit for bit, the long-message unit count, the age band the model sees, the others' minor band and
    /// strongest minor cue, the number of other authors). The aggregator scores each row on its own, so a hit is exactly the row the model would give;
    /// only set it when that holds (the managed kernel). No author id or text is part of the key or the value.
    /// </summary>
    public TextOutputCache<float[]>? AuthorRiskCache { get; set; }

    // Authors found in the memo take their row from it; the others' feature rows are computed into the first rows of
    // the feature buffer (then the room row, when there is one), scored in one run, and remembered.
    private void RunWithMemo(WindowFeatures features, TextOutputCache<float[]> memo, int authors, int target, float[] output)
    {
        int k = HarmNames.All.Count;
        int f = RiskFeatures.Count;
        var missed = features.MissedAuthors(authors);
        var keys = features.AuthorKeys(authors);
        var last = features.LastRows;
        var current = features.CurrentRows;
        current.Clear();

        // First the authors the previous assessment knows, and the memo keys of the others; then, with several keys, all
        // their table slots at once (their memory waits overlap instead of coming one after another), and the memo
        // lookups in order.
        var pending = features.PendingAuthors(authors);
        int p = 0;
        for (int a = 0; a < authors; a++)
        {
            features.AuthorInputs(a, out int longUnits, out var authorAge, out bool othersMinor, out float othersCue, out int otherAuthors);
            var inputs = new AuthorRows.Inputs(longUnits, authorAge, othersMinor, Bits(othersCue), otherAuthors);
            var units = features.Units[a];
            current.Add(units, inputs);
            if (last.TryFind(_id, units, inputs, out var lastRow))
            {
                lastRow.CopyTo(output.AsSpan(a * k, k));
                continue;
            }

            keys[p] = AuthorKey(features, units, inputs, memo);
            pending[p++] = a;
        }

        if (p > 1)
        {
            memo.Warm(keys.AsSpan(0, p));
        }

        // The missed authors in author order, their keys moved to the front of `keys` (m <= i, so no key is overwritten
        // before it is read).
        int m = 0;
        for (int i = 0; i < p; i++)
        {
            int a = pending[i];
            if (memo.TryGet(keys[i], out var row))
            {
                row.AsSpan(0, k).CopyTo(output.AsSpan(a * k, k));
                continue;
            }

            keys[m] = keys[i];
            missed[m++] = a;
        }

        if (target >= 0)
        {
            // The room row is written after the authors' rows; the missed authors are then packed before it.
            features.BuildRoom(target);
            if (m < authors)
            {
                features.FeatureBuffer.AsSpan(authors * f, f).CopyTo(features.FeatureBuffer.AsSpan(m * f, f));
            }
        }

        for (int i = 0; i < m; i++)
        {
            features.ComputeAuthor(missed[i], features.FeatureBuffer.AsSpan(i * f, f));
        }

        int runRows = m + (target >= 0 ? 1 : 0);
        if (runRows == 0)
        {
            Remember(features, _id, output.AsSpan(0, authors * k), k);
            return;
        }

        var scored = features.RiskScored(runRows * k);
        _risk.Run(features.FeatureBuffer, runRows, scored);
        for (int i = 0; i < m; i++)
        {
            var row = scored.AsSpan(i * k, k);
            row.CopyTo(output.AsSpan(missed[i] * k, k));
            memo.Add(keys[i], row.ToArray());
        }

        if (target >= 0)
        {
            scored.AsSpan(m * k, k).CopyTo(output.AsSpan(authors * k, k));
        }

        Remember(features, _id, output.AsSpan(0, authors * k), k);
    }

    // Every row of this window is known (raw, before the gates): they are what the next assessment made with these
    // features (this thread's) looks up first.
    // The previous assessment's authors (features.LastRows: their units by reference, their other inputs and their raw
    // rows) and the one being built (features.CurrentRows). Consecutive messages of one conversation share most units as
    // the same objects (the state store keeps an active conversation's rebuilt signals), so an author whose units and
    // inputs are unchanged takes the previous row without hashing: MessageSignals is immutable, so the same objects are
    // the same values, and the memo would give that row too. Rows are reused only by the scorer (model) that gave them.
    private static void Remember(WindowFeatures features, long owner, ReadOnlySpan<float> rows, int k)
    {
        var current = features.CurrentRows;
        current.SetRows(owner, rows, k);
        features.CurrentRows = features.LastRows;
        features.LastRows = current;
    }

    // This scorer's id for AuthorRows (ids, not references, so a thread-static holds no scorer alive).
    private static long s_nextId;
    private readonly long _id = Interlocked.Increment(ref s_nextId);

    // Everything RiskFeatures.Compute reads for the author, as 32-bit words (floats by their bits), lengths included so
    // that no two different inputs give the same words.
    private static TextKey AuthorKey(WindowFeatures features, List<MessageSignals> units, AuthorRows.Inputs inputs, TextOutputCache<float[]> memo)
    {
        int words = 6;
        for (int u = 0; u < units.Count; u++)
        {
            words += 3 + units[u].Probabilities.Length + units[u].HarmProbabilities.Length;
        }

        var buffer = features.KeyWords(words);

        int w = 0;
        buffer[w++] = (uint)units.Count;
        buffer[w++] = (uint)inputs.LongUnits;
        buffer[w++] = (uint)inputs.AuthorAge;
        buffer[w++] = inputs.OthersMinor ? 1u : 0u;
        buffer[w++] = inputs.OthersCueBits;
        buffer[w++] = (uint)inputs.OtherAuthors;
        for (int u = 0; u < units.Count; u++)
        {
            var unit = units[u];
            var p = unit.Probabilities;
            var h = unit.HarmProbabilities;
            buffer[w++] = (uint)p.Length;
            buffer[w++] = (uint)h.Length;
            buffer[w++] = Bits(unit.MinorCue);

            // Each value's bits, as Bits gives them, copied as a block (no call per value).
            System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(p).CopyTo(buffer.AsSpan(w, p.Length));
            w += p.Length;
            System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(h).CopyTo(buffer.AsSpan(w, h.Length));
            w += h.Length;
        }

        return memo.KeyOf(System.Runtime.InteropServices.MemoryMarshal.AsBytes(buffer.AsSpan(0, w)));
    }

    private static uint Bits(float value) => unchecked((uint)BitConverter.SingleToInt32Bits(value));

    /// <summary>
    /// An unexplained grooming risk is multiplied by this (see <see cref="ApplyEvidenceGate"/>): below the model's alert
    /// threshold and below every threshold of the policy presets (lowest 0.5), while the ranking among such authors is kept.
    /// </summary>
    public const float UnexplainedRiskScale = 0.45f;

    private static readonly int GroomingIndex = IndexOfHarm(HarmNames.Grooming);
    private static readonly int SextortionIndex = IndexOfHarm(HarmNames.Sextortion);
    private static readonly int TraffickingIndex = IndexOfHarm(HarmNames.Trafficking);
    private static readonly int LivestreamIndex = IndexOfHarm(HarmNames.LivestreamCoercion);

    private static int IndexOfHarm(string harm) => IndexIn(HarmNames.All, harm, "harm");

    // The position of a name in one of the canonical name lists (computed once, into static fields).
    private static int IndexIn(IReadOnlyList<string> names, string name, string kind)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"Unknown {kind} '{name}'.");
    }

    // Index of each harm's first signal in SignalNames.All, and its signal count (computed once: read per author per gate).
    private static readonly int[] FirstSignals = [.. Enumerable.Range(0, HarmNames.All.Count).Select(h => Enumerable.Range(0, h).Sum(g => SignalNames.Of(HarmNames.All[g]).Count))];
    private static readonly int[] SignalCounts = [.. HarmNames.All.Select(h => SignalNames.Of(h).Count)];

    /// <summary>Index of the first signal of <paramref name="harm"/> in <see cref="SignalNames.All"/>.</summary>
    private static int FirstSignal(int harm) => FirstSignals[harm];

    private float Threshold(string harm) => Descriptor.AlertThresholds.TryGetValue(harm, out var t) ? t : 0.5f;

    // Alert thresholds in HarmNames.All order (read per assessment by the gates; built once from the descriptor).
    private readonly float[] _thresholds;

    /// <summary>
    /// A grooming alert must be explained by what the author did: an author with no fired grooming signal in the window
    /// stays below every grooming threshold (risk scaled by <see cref="UnexplainedRiskScale"/> and capped by <see cref="Unexplained"/>, so the ranking among
    /// such authors is kept). The exception is a one-to-one chat with no age bands where the other side reads as a minor
    /// (<see cref="ModelLayout.MinorCueHead"/>): there the line-level grooming head alone may alert (2000s-IM grooming
    /// whose moves the signal heads miss), while multi-party adult chat rooms full of sexual talk stay quiet.
    /// Known ages also gate grooming: with no possible minor target (see <see cref="WindowFeatures.HasPossibleGroomingTarget"/>)
    /// the same scaling applies. Sextortion is not gated: adults are extorted too, and its head rarely fires on benign chat.
    /// </summary>
    private static void ApplyEvidenceGate(WindowFeatures features, Span<float> output, float threshold)
    {
        int k = HarmNames.All.Count;
        Span<bool> fired = stackalloc bool[SignalCounts[GroomingIndex]];
        for (int a = 0; a < features.Authors.Count; a++)
        {
            bool groomingFired = FiredKinds(features, a, GroomingIndex, fired, out _) > 0;

            // Old-style IM grooming: a one-to-one chat, no age bands given, the other side reads as a minor.
            bool lift = features.Authors.Count == 2 && !features.AnyKnownAge && features.OthersMinorEvidence(a) >= RiskFeatures.FiredThreshold;
            // Same-age minors by their declared ages: asking ages, keeping secrets, gifting skins, "send a pic of ur fit"
            // and "add me on discord" are how peers talk, so only sexual talk explains a grooming alert there. A declared
            // age proves nothing (see HasPossibleGroomingTarget), so a false "14" costs an adult only the non-sexual moves.
            if (groomingFired && features.IsDeclaredPeerChat(a) && !fired[SexualSignal])
            {
                groomingFired = false;
            }
            // Grooming is an adult (or older person) targeting a minor: with known ages and no possible minor target
            // (everyone else a known adult, or a known minor among known minors) the author's grooming risk stays low.
            if ((!groomingFired && !lift) || !features.HasPossibleGroomingTarget(a))
            {
                output[(a * k) + GroomingIndex] = Unexplained(output[(a * k) + GroomingIndex], threshold);
            }
        }
    }

    // The slot of `sexual` among the grooming signals FiredKinds marks.
    private static readonly int SexualSignal = IndexIn(SignalNames.Grooming, SignalNames.Sexual, "grooming signal");

    /// <summary>A sextortion line score at least this strong explains a sextortion alert on its own.</summary>
    public const float StrongSextortionLine = 0.9f;

    /// <summary>
    /// Distinct fired sextortion signals of one author (a threat naming an audience, a payment demand and a deadline, with
    /// or without a claim to hold images) that alert on their own: the author's sextortion risk is raised to at least the
    /// model's sextortion threshold plus <see cref="NoClaimLiftMargin"/>. A fake-police "settlement" or a deepfake threat
    /// makes no possession claim and reads unlike the training conversations, yet threat + payment + deadline is extortion.
    /// </summary>
    public const int SextortionKindsThatAlert = 3;

    /// <summary>How far above the sextortion threshold a <see cref="SextortionKindsThatAlert"/> author's risk is raised.</summary>
    public const float NoClaimLiftMargin = 0.02f;

    /// <summary>
    /// A sextortion alert must be explained by at least two different fired sextortion signals by the author (a claim with
    /// a threat, demand or deadline; or a threat with a demand when no claim is made), or by a strong sextortion line
    /// score (<see cref="StrongSextortionLine"/>). One signal alone ("it says I have it", "the deadline is 9") scales the
    /// author's sextortion risk by <see cref="UnexplainedRiskScale"/>, below every threshold. Three or more different
    /// signals alert whatever the aggregator says (see <see cref="SextortionKindsThatAlert"/>).
    /// </summary>
    private static void ApplySextortionGate(WindowFeatures features, Span<float> output, float threshold)
    {
        int k = HarmNames.All.Count;
        int sextortion = SextortionIndex;
        Span<bool> fired = stackalloc bool[SignalCounts[SextortionIndex]];
        for (int a = 0; a < features.Authors.Count; a++)
        {
            int kinds = FiredKinds(features, a, sextortion, fired, out float line);
            ref float risk = ref output[(a * k) + sextortion];
            if (kinds >= SextortionKindsThatAlert)
            {
                risk = Math.Max(risk, Math.Min(1f, threshold + NoClaimLiftMargin));
            }
            else if (kinds < 2 && line < StrongSextortionLine)
            {
                risk = Unexplained(risk, threshold);
            }
        }
    }

    /// <summary>
    /// Trafficking needs two different fired trafficking signals by the author (a job offer with travel, documents or
    /// recruiting friends; a legitimate summer-camp job offer alone stays quiet) or a fired <c>documents_debt</c> on a
    /// line the trafficking line head also reads as trafficking. Livestream coercion needs at least two units with a fired livestream signal ("turn
    /// around" once in a game is not coercion; a strong line score alone does not do). Otherwise the risk is scaled by <see cref="UnexplainedRiskScale"/>.
    /// </summary>
    private static void ApplyNewHarmGates(WindowFeatures features, Span<float> output, float traffickingThreshold, float livestreamThreshold)
    {
        int k = HarmNames.All.Count;
        for (int a = 0; a < features.Authors.Count; a++)
        {
            if (!TraffickingExplained(features, a))
            {
                output[(a * k) + TraffickingIndex] = Unexplained(output[(a * k) + TraffickingIndex], traffickingThreshold);
            }

            if (!(features.HasSummaries ? features.LivestreamUnits(a) >= 2 : LivestreamExplained(features.Units[a], out _)))
            {
                output[(a * k) + LivestreamIndex] = Unexplained(output[(a * k) + LivestreamIndex], livestreamThreshold);
            }
        }
    }

    /// <summary>
    /// An unexplained risk (every gate): scaled by <see cref="UnexplainedRiskScale"/> and kept strictly below the harm's
    /// alert threshold (at most <see cref="UnexplainedThresholdShare"/> of it), so a gated author never alerts even when the
    /// model's threshold is at or below 0.45 (0.45 × a raw risk of 1 would otherwise reach it).
    /// </summary>
    private static float Unexplained(float risk, float threshold) => Math.Min(risk * UnexplainedRiskScale, threshold * UnexplainedThresholdShare);

    /// <summary>The largest share of its alert threshold an unexplained risk keeps.</summary>
    public const float UnexplainedThresholdShare = 0.9f;

    private static readonly int DocumentsDebtSlot = SignalNames.Trafficking.ToList().IndexOf(SignalNames.DocumentsDebt);

    private static bool TraffickingExplained(WindowFeatures features, int author)
    {
        Span<bool> fired = stackalloc bool[SignalCounts[TraffickingIndex]];
        int kinds = FiredKinds(features, author, TraffickingIndex, fired, out float line);
        return kinds >= 2 || (fired[DocumentsDebtSlot] && line >= RiskFeatures.FiredThreshold);
    }

    /// <summary>
    /// <see cref="FiredKinds(IReadOnlyList{MessageSignals}, int, Span{bool}, out float)"/> of <paramref name="author"/>'s
    /// units, from the window's unit summaries when it has them.
    /// </summary>
    private static int FiredKinds(WindowFeatures features, int author, int harm, Span<bool> fired, out float line)
    {
        if (!features.HasSummaries)
        {
            return FiredKinds(features.Units[author], harm, fired, out line);
        }

        // The same as the scan below: a signal fired in some unit exactly when its strongest probability reaches the threshold.
        int first = FirstSignal(harm);
        var best = features.BestSignals(author);
        fired.Clear();
        line = features.MaxHarm(author, harm);
        if (!features.AnyFired(author))
        {
            // No signal of any harm reaches the threshold: none of this harm's is marked.
            return 0;
        }

        for (int i = 0; i < fired.Length && first + i < best.Length; i++)
        {
            fired[i] = best[first + i] >= RiskFeatures.FiredThreshold;
        }
        int count = 0;
        foreach (bool f in fired)
        {
            count += f ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// Marks in <paramref name="fired"/> (one slot per signal of <paramref name="harm"/>) which of the harm's signals fired
    /// in any of <paramref name="units"/>; returns how many different ones fired, and in <paramref name="line"/> the
    /// strongest line score of that harm.
    /// </summary>
    private static int FiredKinds(IReadOnlyList<MessageSignals> units, int harm, Span<bool> fired, out float line)
    {
        int first = FirstSignal(harm);
        fired.Clear();
        line = 0f;
        for (int u = 0; u < units.Count; u++)
        {
            var unit = units[u];
            var p = unit.Probabilities;
            for (int i = 0; i < fired.Length && first + i < p.Length; i++)
            {
                fired[i] |= p[first + i] >= RiskFeatures.FiredThreshold;
            }

            var harms = unit.HarmProbabilities;
            if (harms.Length > harm)
            {
                line = Math.Max(line, harms[harm]);
            }
        }

        int kinds = 0;
        foreach (bool f in fired)
        {
            kinds += f ? 1 : 0;
        }

        return kinds;
    }

    /// <summary>Whether livestream coercion is explained by the units; <paramref name="firedUnits"/> counts units with a fired livestream signal.</summary>
    private static bool LivestreamExplained(IReadOnlyList<MessageSignals> units, out int firedUnits)
    {
        int first = FirstSignal(LivestreamIndex);
        int count = SignalCounts[LivestreamIndex];
        firedUnits = 0;
        for (int u = 0; u < units.Count; u++)
        {
            var p = units[u].Probabilities;
            bool any = false;
            for (int i = 0; i < count && first + i < p.Length; i++)
            {
                any |= p[first + i] >= RiskFeatures.FiredThreshold;
            }

            firedUnits += any ? 1 : 0;
        }

        // One line is never enough, however strongly the line head reads it ("turn around slowly" once in a public room).
        return firedUnits >= 2;
    }

    /// <summary>
    /// With no age bands given, the child of a conversation is not its offender: an author whose own lines read as a
    /// minor's (own <see cref="ModelLayout.MinorCueHead"/> at or above the fired threshold, and stronger than every other
    /// author's) has every harm risk scaled by <see cref="UnexplainedRiskScale"/>, so the flagged author is the one the
    /// evidence points to. Known ages are handled by <see cref="WindowFeatures.HasPossibleGroomingTarget"/>.
    /// </summary>
    private static void ApplyMinorSideGate(WindowFeatures features, Span<float> output, float[] thresholds)
    {
        if (features.AnyKnownAge || features.Authors.Count < 2)
        {
            return;
        }

        int k = HarmNames.All.Count;
        for (int a = 0; a < features.Authors.Count; a++)
        {
            float own = features.OwnMinorCue(a);
            if (own >= RiskFeatures.FiredThreshold && own > features.OthersMinorEvidence(a))
            {
                for (int h = 0; h < k; h++)
                {
                    output[(a * k) + h] = Unexplained(output[(a * k) + h], thresholds[h]);
                }
            }
        }
    }

    /// <summary>
    /// Room-level risk of the pooled pseudo-author (everyone but <paramref name="target"/>, see
    /// <see cref="WindowFeatures.BuildRoom"/>). Only <see cref="RoomRisk.RoomHarms"/> are kept. Each needs at least two
    /// contributing authors (authors with a fired signal of that harm; one author is already covered by their own risk)
    /// and the harm's own evidence in the pooled units (livestream: two fired units; grooming: a fired signal); otherwise it
    /// is scaled by <see cref="UnexplainedRiskScale"/>.
    /// </summary>
    private RoomRisk AssessRoom(WindowFeatures features, int target, Span<float> room)
    {
        int k = HarmNames.All.Count;
        var units = features.PooledUnits;
        var owners = features.PooledAuthor;
        var contributors = new SortedSet<int>();
        var harms = new float[k];
        foreach (var harm in RoomRisk.RoomHarms)
        {
            int h = IndexOfHarm(harm);
            int first = FirstSignal(h);
            int count = SignalNames.Of(harm).Count;
            var authors = new HashSet<int>();
            for (int u = 0; u < units.Count; u++)
            {
                var p = units[u].Probabilities;
                for (int i = first; i < first + count && i < p.Length; i++)
                {
                    if (p[i] >= RiskFeatures.FiredThreshold)
                    {
                        authors.Add(owners[u]);
                        break;
                    }
                }
            }

            bool explained = authors.Count >= 2 && (h != LivestreamIndex || LivestreamExplained(units, out _));
            harms[h] = explained ? room[h] : Unexplained(room[h], _thresholds[h]);
            if (explained)
            {
                contributors.UnionWith(authors);
            }
        }

        return new RoomRisk(features.Authors[target], new HarmValues(harms), [.. contributors.Select(a => features.Authors[a])]);
    }

    /// <summary>
    /// An author whose window is mostly pasted chat logs (at least half of their units come from messages with a
    /// transcript score) gets the strongest transcript score as grooming risk: a pasted log has no speakers, so the
    /// per-author aggregator cannot tell who did what, while the document head reads the whole log at once.
    /// </summary>
    private static void ApplyTranscripts(WindowFeatures features, Span<float> output)
    {
        int k = HarmNames.All.Count;
        for (int a = 0; a < features.Authors.Count; a++)
        {
            var (share, transcript) = features.TranscriptOf(a);
            if (share >= 0.5f)
            {
                output[(a * k) + GroomingIndex] = transcript;
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
