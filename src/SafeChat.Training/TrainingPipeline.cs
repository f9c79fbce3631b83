using Microsoft.ML;
using SafeChat.Inference.Features;
using SafeChat.Scoring;
using SafeChat.Training.Data;
using SafeChat.Training.Evaluation;
using SafeChat.Training.Semantic;

namespace SafeChat.Training;

/// <summary>The trained artefacts of one run.</summary>
internal sealed class TrainedModels
{
    public required byte[] Vocabulary { get; init; }

    public required MessageFeaturizer Featurizer { get; init; }

    public required LineModel Signals { get; init; }

    public required AggregatorModel Risk { get; init; }

    public required Dictionary<string, float> Thresholds { get; init; }

    public required Dictionary<string, string> ValidationNotes { get; init; }

    public required TrainingSummary Summary { get; init; }

    /// <summary>What the semantic part is (model card), or null when trained without <c>--semantic</c>.</summary>
    public string? SemanticNote { get; init; }
}

/// <summary>The training run: vocabulary → line heads (k-fold + final) → aggregator on out-of-fold replays → thresholds.</summary>
internal sealed class TrainingPipeline(TrainingOptions options, TextWriter log)
{
    private readonly TimeProvider _clock = TimeProvider.System;
    private long _started;

    public TrainedModels Train(TrainingData data)
    {
        _started = _clock.GetTimestamp();
        var ml = new MLContext(seed: options.Seed);

        var vocabulary = BuildVocabulary(data);
        var featurizer = MessageFeaturizer.Create(new MemoryStream(vocabulary), options.TokenFeatures);
        SemanticTable? table = null;
        if (options.Semantic)
        {
            table = DistillSemanticTable(vocabulary);
            featurizer = featurizer.WithSemanticFeatures();
            Progress($"semantic table: {table.Describe()}");
        }

        var training = new TrainingFeaturizer(featurizer);
        Progress($"vocabulary: {vocabulary.Length} bytes");

        var examples = LineExamples.Build(data, training, options.Folds, options.PjLineSample, options.WeakLabelWeight, options.Seed, log);
        Progress("featurized line examples");
        var semantic = table is null ? null : SemanticLineFeatures.Create(table, examples, options.SemanticScale);
        var lineTrainer = new LineTrainer(ml, log) { L2 = options.LineL2, MaxPositiveWeight = options.MaxPositiveWeight, Semantic = semantic };
        if (options.LineOnly)
        {
            var lineModel = lineTrainer.Train(examples, _ => true);
            var lineScorer = CreateManagedScorer(featurizer, lineModel, new AggregatorModel(new float[RiskFeatures.Count * 2], new float[2]), []);
            var metrics = LineMetrics.Compute(ml, lineScorer, data, log);
            log.WriteLine($"line-only: mean AP {metrics.Average(m => m.Ap ?? 0):F3}");
            throw new OperationCanceledException("line-only run finished");
        }

        var cache = options.LineCacheDirectory is null ? null : new LineModelCache(options.LineCacheDirectory, LineModelCache.Fingerprint(examples, options));
        var foldModels = new LineModel[options.Folds];
        for (int f = 0; f < options.Folds; f++)
        {
            int fold = f;
            log.WriteLine($"line model, fold {f + 1}/{options.Folds}:");
            foldModels[f] = cache?.Load($"fold{f}") ?? lineTrainer.Train(examples, e => e.Fold >= 0 && e.Fold != fold);
            cache?.Save($"fold{f}", foldModels[f]);
            Progress($"fold {f + 1} trained");
        }

        log.WriteLine("line model, final:");
        var final = cache?.Load("final") ?? lineTrainer.Train(examples, _ => true).RoundedToHalf();
        cache?.Save("final", final);
        Progress("final line model trained");

        var rows = new List<AggregatorRow>();
        var rowFolds = new List<int>();
        foreach (var c in AggregatorConversations(data, DataPart.Train))
        {
            int conversationFold = data.Fold(c, options.Folds);
            var model = foldModels[conversationFold];
            var units = c.Messages.Select(m => model.PredictChunks(training.Chunks(m.Text))).ToList();
            int first = rows.Count;
            AggregatorRows.Add(c, units, rows);
            float sourceWeight = c.Source switch
            {
                "pj" => options.AggregatorPjWeight,
                "pjx" => options.AggregatorPjxWeight,
                "ubuntu" or "convai2" => options.AggregatorRealBenignWeight,
                TrainingData.EverydaySource => options.AggregatorEverydayWeight,
                _ => 1f,
            };
            if (sourceWeight != 1f)
            {
                for (int r = first; r < rows.Count; r++)
                {
                    rows[r] = rows[r] with { Weight = rows[r].Weight * sourceWeight };
                }
            }
            if (options.HiddenAgeReplays && c.Source == "synthetic" && c.Ages.Count > 0)
            {
                // The same conversation with no age bands given (most platforms): age context must then come from
                // the minor_cue head, and adult-only chats (dating, roommates) teach it that sexual talk without a
                // minor is not grooming.
                AggregatorRows.Add(WithoutAges(c), units, rows);
            }

            while (rowFolds.Count < rows.Count)
            {
                rowFolds.Add(conversationFold);
            }
        }

        log.WriteLine($"aggregator rows: {rows.Count} ({string.Join(", ", rows.GroupBy(r => r.Source).Select(g => $"{g.Key} {g.Count()}"))})");
        var aggregatorTrainer = new AggregatorTrainer(ml, log) { L2 = options.AggregatorL2 };
        var risk = aggregatorTrainer.Train(rows);
        Progress("aggregator trained");

        // Thresholds are set on conversations as unfamiliar as held-out data: validation conversations are replayed with
        // the line model of the fold that never saw their scenario (or group), and every synthetic/hand-written TRAINING
        // conversation with that fold's line model AND an aggregator trained without its fold (out-of-fold), so the
        // false-positive limits are measured on benign families the models did not learn from.
        var provisional = HarmNames.All.ToDictionary(h => h, _ => 0.5f, StringComparer.Ordinal);
        var runners = foldModels.Select(m => new EvaluationRunner(CreateManagedScorer(featurizer, m, risk, provisional), provisional)).ToArray();
        var oofRunners = new EvaluationRunner[options.Folds];
        for (int f = 0; f < options.Folds; f++)
        {
            int fold = f;
            var foldRows = rows.Where((_, i) => rowFolds[i] != fold).ToList();
            var foldRisk = new AggregatorTrainer(ml, TextWriter.Null) { L2 = options.AggregatorL2 }.Train(foldRows);
            oofRunners[f] = new EvaluationRunner(CreateManagedScorer(featurizer, foldModels[f], foldRisk, provisional), provisional);
        }

        Progress("out-of-fold aggregators trained");
        var (thresholds, notes) = ChooseThresholds(
            c => (c.Part == DataPart.Train ? oofRunners : runners)[data.Fold(c, options.Folds)].Trace(c), data, risk);
        Progress($"thresholds: {string.Join(", ", HarmNames.All.Select(h => $"{h} {thresholds[h]:F3}"))}");
        var transcript = new TranscriptTrainer(ml, featurizer, log).Train(data, thresholds[HarmNames.Grooming], options.TranscriptTranslatedWeight);
        notes[HarmNames.Grooming] += "; " + transcript.Note;
        Progress("transcript head trained");
        return new TrainedModels
        {
            Vocabulary = vocabulary,
            Featurizer = featurizer,
            Signals = final.WithHead(transcript.Weights, transcript.Bias),
            Risk = risk,
            Thresholds = thresholds,
            ValidationNotes = notes,
            Summary = Summarize(data, vocabulary, lineTrainer.L2, aggregatorTrainer.L2),
            SemanticNote = table is null || semantic is null ? null :
                $"distilled from {MiniLmEncoder.ModelName} (Apache-2.0; package {MiniLmEncoder.PackageId}, MIT wrapper) at training time, Model2Vec-style: " +
                $"each vocabulary token's text (## stripped) encoded alone, mean-pooled, L2-normalized; table {table.Describe()}; {semantic.Describe()}; " +
                "every line head is logistic over [hashed features ; scale * sum(a_t e_t)/n over the chunk's n tokens], and the dense weights are folded " +
                $"into rows {SemanticFeatures.Offset}..{SemanticFeatures.Offset + table.Rows - 1} of W (one per vocabulary token, float16): feature id {SemanticFeatures.Offset} + token id, value 1/n. " +
                "The encoder itself does not ship.",
        };
    }

    /// <summary>Distils the semantic table for this vocabulary (encoder embeddings cached under --line-cache when given).</summary>
    private SemanticTable DistillSemanticTable(byte[] vocabulary)
    {
        var tokens = System.Text.Encoding.UTF8.GetString(vocabulary).Split('\n');
        if (tokens.Length > 0 && tokens[^1].Length == 0)
        {
            tokens = tokens[..^1];
        }

        string? cachePath = options.LineCacheDirectory is null ? null :
            Path.Combine(options.LineCacheDirectory, $"minilm-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(vocabulary))[..16]}.bin");
        float[][] embeddings;
        if (cachePath is not null && File.Exists(cachePath))
        {
            using var reader = new BinaryReader(File.OpenRead(cachePath));
            embeddings = new float[reader.ReadInt32()][];
            int width = reader.ReadInt32();
            for (int i = 0; i < embeddings.Length; i++)
            {
                embeddings[i] = new float[width];
                for (int k = 0; k < width; k++)
                {
                    embeddings[i][k] = reader.ReadSingle();
                }
            }
        }
        else
        {
            using var encoder = MiniLmEncoder.Load();
            embeddings = encoder.Encode(SemanticTable.EncoderTexts(tokens), progress: n =>
            {
                if (n % 5120 == 0)
                {
                    log.WriteLine($"  encoded {n} of {tokens.Length} tokens");
                }
            });
            if (cachePath is not null)
            {
                Directory.CreateDirectory(options.LineCacheDirectory!);
                using var writer = new BinaryWriter(File.Create(cachePath));
                writer.Write(embeddings.Length);
                writer.Write(encoder.Dimension);
                foreach (var row in embeddings)
                {
                    foreach (var v in row)
                    {
                        writer.Write(v);
                    }
                }
            }
        }

        return SemanticTable.Distill(embeddings, options.SemanticDimension, options.Seed);
    }

    public static ManagedSafetyScorer CreateManagedScorer(MessageFeaturizer featurizer, LineModel signals, AggregatorModel risk, Dictionary<string, float> thresholds)
    {
        var descriptor = new ScorerDescriptor("safechat-signals-v1", "managed", SignalNames.All, thresholds);
        return new ManagedSafetyScorer(new SafetyScorerCore(featurizer, new ManagedSignalModel(signals), new ManagedRiskModel(risk), descriptor));
    }

    /// <summary>
    /// Conversations the aggregator learns from (or is validated on). NPS never: its licence is evaluation only. The
    /// translated VTPAN chats come next and train only (their labels: negatives for the harms other than grooming, see
    /// <see cref="AggregatorRows"/>), so the grooming head and every validation limit are as without them. Scoped
    /// conversations come last: they label only their own harms, and only those harms' thresholds read them.
    /// </summary>
    public static IEnumerable<ChatConversation> AggregatorConversations(TrainingData data, DataPart part) =>
        data.Synthetic.Concat(data.PjConversations).Concat(data.PjSessions).Concat(data.Vtpan).Concat(data.Dota).Concat(data.RealBenign)
            .Concat(data.PastedLogs).Where(c => c.Part == part)
            .Concat(part == DataPart.Train ? data.VtpanTranslated.Where(c => c.Part == DataPart.Train) : [])
            .Concat(data.Scoped.Where(c => c.Part == part));

    private byte[] BuildVocabulary(TrainingData data)
    {
        IEnumerable<string> Texts()
        {
            foreach (var c in data.Synthetic.Where(c => c.Part == DataPart.Train))
            {
                foreach (var m in c.Messages)
                {
                    yield return m.Text;
                }
            }

            foreach (var line in data.SyntheticLines)
            {
                yield return line.Text;
            }

            foreach (var m in data.LineOnly.SelectMany(c => c.Messages))
            {
                yield return m.Text;
            }

            foreach (var o in data.PjOffenders.Where(o => o.Part == DataPart.Train))
            {
                foreach (var line in o.OffenderLines)
                {
                    yield return line;
                }

                foreach (var line in o.DecoyLines)
                {
                    yield return line;
                }
            }

            foreach (var c in data.Dota.Concat(data.Vtpan).Concat(data.RealBenign).Where(c => c.Part == DataPart.Train))
            {
                foreach (var m in c.Messages)
                {
                    yield return m.Text;
                }
            }
        }

        // Languages other than English get their own word quota, so a few hundred Spanish or Dutch lines are not crowded
        // out of the vocabulary by English counts; the negators the featurizer marks are always whole words.
        var languageTexts = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var c in data.Synthetic.Where(c => c.Part == DataPart.Train && c.Language != Languages.English))
        {
            Add(c.Language, c.Messages.Select(m => m.Text));
        }

        foreach (var line in data.SyntheticLines.Where(l => l.Language != Languages.English))
        {
            Add(line.Language, [line.Text]);
        }

        foreach (var c in data.LineOnly.Where(c => c.Language != Languages.English))
        {
            Add(c.Language, c.Messages.Select(m => m.Text));
        }

        void Add(string language, IEnumerable<string> texts)
        {
            if (!languageTexts.TryGetValue(language, out var list))
            {
                languageTexts[language] = list = [];
            }

            list.AddRange(texts.Select(MessageFeaturizer.Normalize));
        }

        var vocabulary = VocabularyBuilder.Build(Texts().Select(MessageFeaturizer.Normalize), maxWords: 30_000, minWordCount: 3, maxSuffixes: 3_000,
            languageTexts, TokenFeatures.Negators.Concat(TokenFeatures.ScopeBreaks).Append("no")
                .Concat(options.TokenFeatures >= TokenFeatures.AdviceVersion ? TokenFeatures.AdviceTriggerWords : []));
        log.WriteLine($"vocabulary: {vocabulary.Count} tokens ({string.Join(", ", languageTexts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value.Count} texts"))})");
        return VocabularyBuilder.ToFileBytes(vocabulary);
    }

    /// <summary>
    /// Largest share of synthetic/hand-written benign conversations (validation + out-of-fold training, i.e. families the
    /// scoring models did not learn from) the grooming threshold may flag. The target is at most 8% of hard negatives.
    /// </summary>
    public const double SyntheticFprLimit = 0.05;

    /// <summary>In-time recall kept on validation positives when the false-positive limits allow a higher threshold.</summary>
    public const double ValidationInTimeRecall = 0.93;

    /// <summary>
    /// Recall on the VALIDATION offenders' real Perverted-Justice sessions (at least <see cref="PjMinMessages"/> messages)
    /// the grooming threshold aims for: the synthetic limit (<see cref="SyntheticFprLimit"/>) gives way down to the
    /// threshold that catches this share of real validation offenders, but never past <see cref="SyntheticFprCeiling"/>
    /// and never past the real benign limits (those are hard).
    /// </summary>
    public const double PjValidationRecall = 0.9;

    /// <summary>The share of synthetic/hand-written benign conversations the grooming threshold may never exceed.</summary>
    public const double SyntheticFprCeiling = 0.08;

    /// <summary>Real offender sessions shorter than this are not measured (a reader cannot judge them either).</summary>
    public const int PjMinMessages = 10;

    private (Dictionary<string, float> Thresholds, Dictionary<string, string> Notes) ChooseThresholds(Func<ChatConversation, ReplayTrace> trace, TrainingData data, AggregatorModel risk)
    {
        var validation = AggregatorConversations(data, DataPart.Validation).ToList();

        // Synthetic and hand-written conversations: validation plus out-of-fold training conversations.
        var ownSynthetic = validation.Where(c => c.Source == "synthetic").Concat(data.Synthetic.Where(c => c.Part == DataPart.Train && c.Source == "synthetic")).ToList();
        // Written everyday dialogue (--everyday) is held to limits of its own, like a real corpus: validation plus out-of-fold.
        var everyday = data.Synthetic.Where(c => c.Source == TrainingData.EverydaySource && c.Part is DataPart.Validation or DataPart.Train).ToList();
        // Scoped conversations join the synthetic ones for the harms they are written for (validation + out-of-fold).
        var scoped = validation.Where(c => c.Source == TrainingData.ScopedSource).Concat(data.Scoped.Where(c => c.Part == DataPart.Train)).ToList();
        var limits = new Dictionary<string, double>[]
        {
            new() { ["synthetic"] = SyntheticFprLimit, ["dota"] = 0.003, ["convai2"] = 0.015, ["ubuntu"] = 0.003, [TrainingData.EverydaySource] = 0.01 },
            new() { ["synthetic"] = 0.015, ["dota"] = 0.002, ["vtpan"] = 0.005, ["convai2"] = 0.005, ["ubuntu"] = 0.002, [TrainingData.EverydaySource] = 0.005 },
            new() { ["synthetic"] = 0.02, ["dota"] = 0.002, ["convai2"] = 0.005, ["ubuntu"] = 0.002, [TrainingData.EverydaySource] = 0.005 },
            new() { ["synthetic"] = 0.02, ["dota"] = 0.002, ["convai2"] = 0.005, ["ubuntu"] = 0.002, [TrainingData.EverydaySource] = 0.005 },
        };

        if (everyday.Count == 0)
        {
            foreach (var limit in limits)
            {
                limit.Remove(TrainingData.EverydaySource);
            }
        }

        // Real benign chat: validation plus out-of-fold training conversations, like the synthetic ones.
        var real = validation.Where(c => c.Source is "convai2" or "ubuntu").Concat(data.RealBenign.Where(c => c.Part == DataPart.Train)).ToList();
        var thresholds = new Dictionary<string, float>();
        var notes = new Dictionary<string, string>();
        for (int h = 0; h < HarmNames.All.Count; h++)
        {
            int harm = h;
            var label = LineExamples.LabelOf(h);
            var synthetic = scoped.Any(c => c.ScopedHarms!.Contains(harm))
                ? ownSynthetic.Concat(scoped.Where(c => c.ScopedHarms!.Contains(harm))).ToList()
                : ownSynthetic;
            var perGroup = new List<string>();
            float byReal = 0.05f, bySynthetic = 0.05f;
            IReadOnlyList<float> syntheticBenign = [];
            foreach (var (source, limit) in limits[h])
            {
                IReadOnlyList<float> scores = (source == "synthetic" ? synthetic : source is "convai2" or "ubuntu" ? real : source == TrainingData.EverydaySource ? everyday : validation)
                    .Where(c => (c.Source == source || (source == "synthetic" && c.Source == TrainingData.ScopedSource)) && c.Label == HarmLabel.Benign)
                    .Select(c => trace(c).Max(harm)).ToList();
                float needed = EvaluationRunner.ChooseThreshold([(scores, limit)]);
                perGroup.Add($"{source} benign <= {limit:P1} of {scores.Count} needs {needed:F3}");
                if (source == "synthetic")
                {
                    bySynthetic = needed;
                    syntheticBenign = scores;
                }
                else
                {
                    byReal = Math.Max(byReal, needed);
                }
            }

            float byLimits = Math.Max(byReal, bySynthetic);
            string realNote = string.Empty, oofGuard = string.Empty;
            if (label == HarmLabel.Grooming)
            {
                // Real offenders the models never trained on (validation offenders, by name): the synthetic limit may
                // give way to catch PjValidationRecall of their sessions, within the ceiling and the real benign limits.
                var pj = validation.Where(c => c.Source == "pjx" && c.Label == HarmLabel.Grooming && c.Messages.Count >= PjMinMessages)
                    .Select(c => trace(c).Max(harm)).OrderByDescending(v => v).ToList();
                if (pj.Count > 0)
                {
                    float byPj = pj[Math.Min(pj.Count - 1, (int)Math.Floor(PjValidationRecall * pj.Count))];
                    float ceiling = EvaluationRunner.ChooseThreshold([(syntheticBenign, SyntheticFprCeiling)]);
                    byLimits = Math.Max(byReal, Math.Max(ceiling, Math.Min(bySynthetic, byPj)));
                    realNote = $"; real offenders: {PjValidationRecall:P0} of {pj.Count} validation-offender Perverted-Justice sessions (>= {PjMinMessages} messages) needs {byPj:F3}, " +
                               $"the synthetic limit gives way to it down to its {SyntheticFprCeiling:P0} ceiling ({ceiling:F3})";
                }
            }

            // The highest threshold that still alerts in time on ValidationInTimeRecall of the synthetic positives:
            // when the limits allow more, the margin absorbs benign situations the validation split does not contain.
            var inTime = synthetic.Where(c => c.Label == label && c.AlertBy.HasValue)
                .Select(c =>
                {
                    var risk = trace(c).Risk[harm];
                    int last = Math.Min(risk.Length - 1, c.AlertBy!.Value + Metrics.AlertSlack);
                    return risk.Take(last + 1).DefaultIfEmpty(0f).Max();
                })
                .OrderByDescending(v => v).ToList();
            float byRecall = inTime.Count == 0 ? byLimits : inTime[Math.Min(inTime.Count - 1, (int)Math.Floor(ValidationInTimeRecall * inTime.Count))];
            float chosen = Math.Clamp(Math.Max(byLimits, Math.Min(byRecall, 0.9f)), 0.05f, 0.99f);
            thresholds[HarmNames.All[h]] = chosen;
            if (label == HarmLabel.Grooming)
            {
                var pjAll = validation.Where(c => c.Source == "pjx" && c.Label == HarmLabel.Grooming && c.Messages.Count >= PjMinMessages).ToList();
                int caught = pjAll.Count(c => trace(c).Max(harm) >= chosen);
                int flagged = syntheticBenign.Count(v => v >= chosen);
                log.WriteLine($"  at {chosen:F3}: validation-offender sessions caught {caught}/{pjAll.Count}, synthetic benign (validation + out-of-fold) flagged {flagged}/{syntheticBenign.Count}");
                // Training offenders' sessions replayed out of fold (not with --legacy-pj-folds, where they leak).
                var oofSessions = options.LegacyPjFolds ? [] : TrainingOffenderSessions(data).Select(c => (Session: c, Score: trace(c).Max(harm))).ToList();
                if (OutOfFoldOffenders(oofSessions, chosen) is { } oofNote)
                {
                    log.WriteLine($"  at {chosen:F3}: {oofNote}");
                    oofGuard = "; at the threshold, " + oofNote;
                }
                // Which conversations bind the threshold (ids and scores only, never text): the synthetic benign ones
                // flagged at it and the validation-offender sessions it misses.
                var flaggedIds = synthetic.Where(c => c.Label == HarmLabel.Benign).Select(c => (c.Id, Score: trace(c).Max(harm)))
                    .Where(p => p.Score >= chosen).OrderByDescending(p => p.Score).Select(p => $"{p.Id} {p.Score:F3}");
                log.WriteLine($"  synthetic benign flagged: {string.Join(", ", flaggedIds)}");
                var missed = pjAll.Select(c => (c.Id, Score: trace(c).Max(harm))).Where(p => p.Score < chosen).OrderByDescending(p => p.Score).Select(p => $"{p.Id} {p.Score:F3}");
                log.WriteLine($"  validation-offender sessions missed: {string.Join(", ", missed)}");
                if (!options.LegacyPjFolds)
                {
                    // The out-of-fold misses with their length (messages), to see where real offenders are lost.
                    var oofMissed = oofSessions.Where(p => p.Score < chosen).OrderByDescending(p => p.Score)
                        .Select(p => $"{p.Session.Id} ({p.Session.Messages.Count} messages) {p.Score:F3}");
                    log.WriteLine($"  out-of-fold training-offender sessions missed: {string.Join(", ", oofMissed)}");
                }

                var realTop = real.Where(c => c.Label == HarmLabel.Benign).Select(c => (c.Id, c.Source, Score: trace(c).Max(harm)))
                    .OrderByDescending(p => p.Score).Take(12).Select(p => $"{p.Source}:{p.Id} {p.Score:F3}");
                log.WriteLine($"  strongest real benign (validation + out-of-fold): {string.Join(", ", realTop)}");
            }

            notes[HarmNames.All[h]] = $"max(false-positive limits on validation [{string.Join("; ", perGroup)}]{realNote}, " +
                $"highest threshold keeping {ValidationInTimeRecall:P0} in-time recall on {inTime.Count} synthetic/hand-written positives (validation + out-of-fold training) = {byRecall:F3} (capped at 0.9))" +
                oofGuard;
            log.WriteLine($"threshold {HarmNames.All[h]}: {chosen:F3} = {notes[HarmNames.All[h]]}");
            if (h == 0)
            {
                notes[HarmNames.All[h]] += "; " + CalibrateLongMessages(trace, validation, risk, harm, chosen);
            }
        }

        return (thresholds, notes);
    }

    /// <summary>The interleaved sessions of training offenders with at least <see cref="PjMinMessages"/> messages.</summary>
    private static IEnumerable<ChatConversation> TrainingOffenderSessions(TrainingData data) =>
        data.PjSessions.Where(c => c.Part == DataPart.Train && c.Label == HarmLabel.Grooming && c.Messages.Count >= PjMinMessages);

    /// <summary>
    /// A second guard on real offenders beside the three validation ones: the training offenders' sessions, each
    /// replayed by the fold models that never saw that offender's lines (<see cref="TrainingData.PjOffenderFold"/>),
    /// caught at <paramref name="threshold"/>; null without such sessions.
    /// </summary>
    private static string? OutOfFoldOffenders(IReadOnlyList<(ChatConversation Session, float Score)> sessions, float threshold)
    {
        var offenders = sessions.GroupBy(p => p.Session.Group, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Caught: g.Count(p => p.Score >= threshold), Sessions: g.Count())).ToList();
        return offenders.Count == 0 ? null
            : $"out-of-fold training-offender sessions (>= {PjMinMessages} messages) caught {offenders.Sum(o => o.Caught)}/{offenders.Sum(o => o.Sessions)} " +
              $"of {offenders.Count} offenders ({string.Join(", ", offenders.Select(o => $"{o.Caught}/{o.Sessions}"))})";
    }

    /// <summary>Largest share of validation VTPAN benign segments the pasted-log regime may flag.</summary>
    public const double LongMessageMaxFpr = 0.03;

    /// <summary>
    /// Pasted logs (one long message, author unknown) and chat turns score on different scales, but there is one
    /// threshold per harm. Picks the best-F0.5 threshold for validation VTPAN segments (benign flagged at most
    /// <see cref="LongMessageMaxFpr"/>) and shifts the weight of <c>share_units_from_long_messages</c> so that this
    /// threshold maps onto the chat threshold: for a pure pasted log the logit moves by exactly logit(chat) − logit(long).
    /// </summary>
    private string CalibrateLongMessages(Func<ChatConversation, ReplayTrace> trace, List<ChatConversation> validation, AggregatorModel risk, int harm, float chatThreshold)
    {
        var items = validation.Where(c => c.Source == "vtpan").Select(c => (Score: trace(c).Max(harm), Positive: c.Label == HarmLabel.Grooming)).ToList();
        int positives = items.Count(i => i.Positive), negatives = items.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            log.WriteLine("pasted-log regime not calibrated: no validation VTPAN segments of both classes");
            return "pasted-log regime not calibrated (no validation VTPAN segments)";
        }

        var (best, bestF) = Metrics.BestF05Threshold(items, LongMessageMaxFpr);

        static double Logit(float p) => Math.Log(Math.Clamp(p, 1e-6f, 1 - 1e-6f) / (1 - Math.Clamp(p, 1e-6f, 1 - 1e-6f)));
        float shift = (float)(Logit(chatThreshold) - Logit(best));
        int index = RiskFeatures.Names.ToList().IndexOf("share_units_from_long_messages");
        risk.Weights[(index * HarmNames.All.Count) + harm] += shift;
        string note = $"pasted-log regime: best-F0.5 threshold on {items.Count} validation VTPAN segments (benign flagged <= {LongMessageMaxFpr:P0}) " +
                      $"= {best:F3} (F0.5 {bestF:F3}), mapped onto {chatThreshold:F3} by adding {shift:F3} to the weight of share_units_from_long_messages";
        log.WriteLine(note);
        return note;
    }

    private static TrainingSummary Summarize(TrainingData data, byte[] vocabulary, float lineL2, float riskL2)
    {
        var summary = new TrainingSummary
        {
            VocabularySize = vocabulary.Count(b => b == (byte)'\n'),
            LineL2 = lineL2,
            RiskL2 = riskL2,
        };
        void Add(string source, IEnumerable<ChatConversation> conversations)
        {
            var counts = new Dictionary<string, long>();
            foreach (var c in conversations)
            {
                string key = $"{c.Part.ToString().ToLowerInvariant()}_{c.Label.ToString().ToLowerInvariant()}_conversations";
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }

            summary.CountsBySource[source] = new Dictionary<string, long>(counts.OrderBy(p => p.Key, StringComparer.Ordinal));
        }

        Add("synthetic", data.Synthetic.Where(c => c.Source != TrainingData.EverydaySource));
        if (data.Synthetic.Any(c => c.Source == TrainingData.EverydaySource))
        {
            Add(TrainingData.EverydaySource, data.Synthetic.Where(c => c.Source == TrainingData.EverydaySource));
        }

        Add("vtpan", data.Vtpan);
        Add("vtpan-translated", data.VtpanTranslated);
        Add("dota", data.Dota);
        Add("nps", data.Nps);
        Add("pan12-sample", data.Pan12Sample);
        Add("external", data.External);
        foreach (var group in data.RealBenign.Concat(data.RealEval).GroupBy(c => c.Source))
        {
            Add(group.Key, group);
        }

        Add("pjx", data.PjSessions);
        var pj = new Dictionary<string, long>();
        foreach (var o in data.PjOffenders)
        {
            string key = $"{o.Part.ToString().ToLowerInvariant()}_offenders";
            pj[key] = pj.GetValueOrDefault(key) + 1;
        }

        pj["pseudo_conversations"] = data.PjConversations.Count;
        summary.CountsBySource["pj"] = new Dictionary<string, long>(pj.OrderBy(p => p.Key, StringComparer.Ordinal));
        return summary;
    }

    private void Progress(string message) =>
        log.WriteLine($"[{_clock.GetElapsedTime(_started).TotalSeconds,6:F1}s] {message}");

    private static ChatConversation WithoutAges(ChatConversation c) => new()
    {
        Id = c.Id + "-no-ages",
        Source = c.Source,
        Label = c.Label,
        Scenario = c.Scenario,
        Messages = c.Messages,
        Predators = c.Predators,
        AlertBy = c.AlertBy,
        Group = c.Group,
        Part = c.Part,
    };
}
