using Microsoft.ML;
using SafeChat.Inference.Features;
using SafeChat.Scoring;
using SafeChat.Training.Data;
using SafeChat.Training.Evaluation;

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
        var featurizer = MessageFeaturizer.Create(new MemoryStream(vocabulary));
        var training = new TrainingFeaturizer(featurizer);
        Progress($"vocabulary: {vocabulary.Length} bytes");

        var examples = LineExamples.Build(data, training, options.Folds, options.PjLineSample, options.Seed, log);
        Progress("featurized line examples");
        var lineTrainer = new LineTrainer(ml, log);
        var foldModels = new LineModel[options.Folds];
        for (int f = 0; f < options.Folds; f++)
        {
            int fold = f;
            log.WriteLine($"line model, fold {f + 1}/{options.Folds}:");
            foldModels[f] = lineTrainer.Train(examples, e => e.Fold >= 0 && e.Fold != fold);
            Progress($"fold {f + 1} trained");
        }

        log.WriteLine("line model, final:");
        var final = lineTrainer.Train(examples, _ => true);
        Progress("final line model trained");

        var rows = new List<AggregatorRow>();
        foreach (var c in AggregatorConversations(data, DataPart.Train))
        {
            var model = foldModels[Splits.Fold(c.Group, options.Folds)];
            var units = c.Messages.Select(m => model.PredictChunks(training.Chunks(m.Text))).ToList();
            AggregatorRows.Add(c, units, rows);
        }

        log.WriteLine($"aggregator rows: {rows.Count} ({string.Join(", ", rows.GroupBy(r => r.Source).Select(g => $"{g.Key} {g.Count()}"))})");
        var risk = new AggregatorTrainer(ml, log).Train(rows);
        Progress("aggregator trained");

        var provisional = new Dictionary<string, float> { [HarmNames.Grooming] = 0.5f, [HarmNames.Sextortion] = 0.5f };
        var scorer = CreateManagedScorer(featurizer, final, risk, provisional);
        var (thresholds, notes) = ChooseThresholds(scorer, data);
        Progress($"thresholds: grooming {thresholds[HarmNames.Grooming]:F3}, sextortion {thresholds[HarmNames.Sextortion]:F3}");
        return new TrainedModels
        {
            Vocabulary = vocabulary,
            Featurizer = featurizer,
            Signals = final,
            Risk = risk,
            Thresholds = thresholds,
            ValidationNotes = notes,
        };
    }

    public static ManagedSafetyScorer CreateManagedScorer(MessageFeaturizer featurizer, LineModel signals, AggregatorModel risk, Dictionary<string, float> thresholds)
    {
        var descriptor = new ScorerDescriptor("safechat-signals-v1", "managed", SignalNames.All, thresholds);
        return new ManagedSafetyScorer(new SafetyScorerCore(featurizer, new ManagedSignalModel(signals), new ManagedRiskModel(risk), descriptor));
    }

    /// <summary>Conversations the aggregator learns from (or is validated on). NPS never: its licence is evaluation only.</summary>
    public static IEnumerable<ChatConversation> AggregatorConversations(TrainingData data, DataPart part) =>
        data.Synthetic.Concat(data.PjConversations).Concat(data.Vtpan).Concat(data.Dota).Where(c => c.Part == part);

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

            foreach (var c in data.Dota.Concat(data.Vtpan).Where(c => c.Part == DataPart.Train))
            {
                foreach (var m in c.Messages)
                {
                    yield return m.Text;
                }
            }
        }

        var vocabulary = VocabularyBuilder.Build(Texts().Select(MessageFeaturizer.Normalize), maxWords: 30_000, minWordCount: 3, maxSuffixes: 3_000);
        log.WriteLine($"vocabulary: {vocabulary.Count} tokens");
        return VocabularyBuilder.ToFileBytes(vocabulary);
    }

    private (Dictionary<string, float> Thresholds, Dictionary<string, string> Notes) ChooseThresholds(ISafetyScorer scorer, TrainingData data)
    {
        var runner = new EvaluationRunner(scorer, new Dictionary<string, float> { [HarmNames.Grooming] = 0.5f, [HarmNames.Sextortion] = 0.5f });
        var validation = AggregatorConversations(data, DataPart.Validation).ToList();
        var limits = new Dictionary<string, double>[]
        {
            new() { ["synthetic"] = 0.04, ["dota"] = 0.004, ["vtpan"] = 0.015 },
            new() { ["synthetic"] = 0.015, ["dota"] = 0.002, ["vtpan"] = 0.005 },
        };
        var thresholds = new Dictionary<string, float>();
        var notes = new Dictionary<string, string>();
        for (int h = 0; h < HarmNames.All.Count; h++)
        {
            int harm = h;
            var groups = limits[h].Select(limit =>
            {
                IReadOnlyList<float> scores = validation.Where(c => c.Source == limit.Key && c.Label == HarmLabel.Benign)
                    .Select(c => runner.Trace(c).Max(harm)).ToList();
                return (scores, limit.Value);
            }).ToList();
            thresholds[HarmNames.All[h]] = EvaluationRunner.ChooseThreshold(groups);
            notes[HarmNames.All[h]] = "lowest threshold keeping validation false-positive rates within " +
                string.Join(", ", limits[h].Select(l => $"{l.Key} benign {l.Value:P1}")) +
                $" (validation negatives: {string.Join(", ", groups.Select((g, i) => $"{limits[harm].Keys.ElementAt(i)} {g.scores.Count}"))})";
        }

        return (thresholds, notes);
    }

    private void Progress(string message) =>
        log.WriteLine($"[{_clock.GetElapsedTime(_started).TotalSeconds,6:F1}s] {message}");
}
