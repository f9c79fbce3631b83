using SafeChat.Inference.Features;
using SafeChat.Scoring;
using SafeChat.Training.Data;

namespace SafeChat.Training;

/// <summary>Everything the trainer reads, split into train / validation / held-out parts.</summary>
internal sealed class TrainingData
{
    public List<ChatConversation> Synthetic { get; } = [];

    /// <summary>Hand-written conversations that train only their own harms (<c>--scoped-conversations</c>; source "scoped").</summary>
    public List<ChatConversation> Scoped { get; } = [];

    /// <summary>The corpus name of <see cref="Scoped"/> conversations.</summary>
    public const string ScopedSource = "scoped";

    /// <summary>Written conversations whose lines train only the line heads and the vocabulary (<c>--line-conversations</c>).</summary>
    public List<ChatConversation> LineOnly { get; } = [];

    /// <summary>The corpus name of <see cref="LineOnly"/> conversations.</summary>
    public const string LineOnlySource = "line-only";

    /// <summary>The source of <c>--everyday</c> dialogue: written, benign, in <see cref="Synthetic"/> with a limit of its own.</summary>
    public const string EverydaySource = "everyday";

    public List<AnnotatedLine> SyntheticLines { get; } = [];

    public List<PjOffender> PjOffenders { get; } = [];

    /// <summary>Pseudo-conversations built from Perverted-Justice offender and decoy lines (interleaving is synthetic).</summary>
    public List<ChatConversation> PjConversations { get; } = [];

    public List<ChatConversation> Vtpan { get; } = [];

    /// <summary>
    /// VTPAN chats machine-translated to German / Dutch, each one pasted log (see <see cref="CorpusReaders.ReadVtpanTranslated"/>).
    /// They train the transcript head and, scoped to <see cref="TranslatedVtpanHarms"/>, the risk model; split by chat, so
    /// a chat's translations share a part.
    /// </summary>
    public List<ChatConversation> VtpanTranslated { get; } = [];

    /// <summary>
    /// The harms a translated VTPAN log trains in the risk model: every harm but grooming. It is a negative for them (a
    /// long German or Dutch log does not read as sextortion, trafficking or livestream coercion); grooming leaves it unused
    /// (the transcript head reads grooming in a pasted log), so the grooming head and its threshold are as without it.
    /// </summary>
    public static readonly IReadOnlySet<int> TranslatedVtpanHarms = Enumerable.Range(0, HarmNames.All.Count)
        .Where(h => HarmNames.All[h] != HarmNames.Grooming).ToHashSet();

    /// <summary>
    /// Training and validation Perverted-Justice pseudo-conversations pasted as ONE long message with an unknown author
    /// (how a PAN12/VTPAN segment arrives).
    /// </summary>
    public List<ChatConversation> PastedLogs { get; } = [];

    public List<ChatConversation> Dota { get; } = [];

    /// <summary>NPS chat sessions: evaluation only (non-commercial licence).</summary>
    public List<ChatConversation> Nps { get; } = [];

    public List<ChatConversation> Pan12Sample { get; } = [];

    /// <summary>Hand-written external check conversations (measurement only).</summary>
    public List<ChatConversation> External { get; } = [];

    /// <summary>Real benign chat that may be trained on (#ubuntu IRC windows, ConvAI2 half), split by conversation/log.</summary>
    public List<ChatConversation> RealBenign { get; } = [];

    /// <summary>Real benign chat for evaluation only (DailyDialog validation: CC BY-NC-SA).</summary>
    public List<ChatConversation> RealEval { get; } = [];

    /// <summary>Real Perverted-Justice sessions, both sides in turn order (source <c>pjx</c>), split by offender.</summary>
    public List<ChatConversation> PjSessions { get; } = [];

    /// <summary>Hand-annotated Perverted-Justice offender lines (signal positives and negatives), split by offender.</summary>
    public List<PjAnnotatedLine> PjAnnotated { get; } = [];

    private readonly Dictionary<string, int> _scenarioOrder = new(StringComparer.Ordinal);

    /// <summary>
    /// The out-of-fold index of a conversation. Synthetic conversations are folded by SCENARIO (round-robin within each
    /// label), so out-of-fold line scores come from a model that never saw that scenario's key lines: the aggregator then
    /// learns how line scores look on unfamiliar phrasing, which is what held-out conversations bring.
    /// </summary>
    public int Fold(ChatConversation conversation, int folds) =>
        conversation.Source.StartsWith("synthetic", StringComparison.Ordinal) && conversation.Scenario is { } scenario && _scenarioOrder.TryGetValue(scenario, out int order)
            ? order % folds
            : conversation.Source == "pjx" ? (_legacyPjFolds ? Splits.Fold(conversation.Group, folds) : PjOffenderFold(conversation.Group, folds))
            : Splits.Fold(conversation.Group, folds);

    // Normalized offender name → the group of that offender's koutli lines ("pj|" + koutli username).
    private readonly Dictionary<string, string> _pjOffenderGroups = new(StringComparer.Ordinal);

    // --legacy-pj-folds: sessions fold by their own offender name, as up to v8.
    private bool _legacyPjFolds;

    /// <summary>
    /// The fold of a Perverted-Justice offender named in the interleaved sessions or the annotations: the fold of the
    /// same offender's koutli lines when the koutli corpus has them, so an out-of-fold replay of a training offender's
    /// session comes from line heads and an aggregator that saw none of that offender's lines in any corpus.
    /// </summary>
    public int PjOffenderFold(string offender, int folds) =>
        Splits.Fold(!_legacyPjFolds && _pjOffenderGroups.TryGetValue(RealChat.NormalizeName(offender), out var group) ? group : "pj|" + offender, folds);

    private void OrderScenarios()
    {
        foreach (var group in Synthetic.Where(c => c.Part != DataPart.Heldout && c.Scenario is not null && c.Source.StartsWith("synthetic", StringComparison.Ordinal))
                     .GroupBy(c => c.Label).OrderBy(g => g.Key))
        {
            int i = 0;
            foreach (var scenario in group.Select(c => c.Scenario!).Distinct().OrderBy(s => s, StringComparer.Ordinal))
            {
                _scenarioOrder.TryAdd(scenario, i++);
            }
        }
    }

    public static TrainingData Load(TrainingOptions options, TextWriter log)
    {
        var data = new TrainingData { _legacyPjFolds = options.LegacyPjFolds };
        foreach (var path in options.Conversations)
        {
            foreach (var c in CorpusReaders.ReadConversations(path, "synthetic"))
            {
                // A language other than English has no held-out file of its own: 20 % of its scenarios are held out
                // (measured per language), 15 % validation.
                c.Part = c.Language == Languages.English
                    ? Splits.ForTrainingFile("synthetic", c.Id)
                    : Splits.ForCorpus("lang|" + c.Language, c.Scenario ?? c.Id);
                data.Synthetic.Add(c);
            }
        }

        foreach (var path in options.Everyday)
        {
            foreach (var c in CorpusReaders.ReadConversations(path, EverydaySource))
            {
                if (c.Label != HarmLabel.Benign)
                {
                    throw new DataFormatException($"{path}: conversation '{c.Id}', field 'label': --everyday takes benign dialogue only");
                }

                // Split by dialogue (each is its own situation), 65/15/20 like the real corpora.
                c.Part = Splits.ForCorpus(EverydaySource, c.Id);
                data.Synthetic.Add(c);
            }
        }

        if (options.Reviews.Count > 0)
        {
            ReviewLabels.Apply(data.Synthetic, options.Reviews, log);
        }

        data.OrderScenarios();
        foreach (var path in options.ScopedConversations)
        {
            var file = CorpusReaders.ReadConversations(path, ScopedSource).ToList();
            var harms = file.Where(c => c.Label != HarmLabel.Benign).Select(c => LineExamples.HarmIndex(c.Label)).ToHashSet();
            foreach (var c in file)
            {
                // Every language, English too, holds out 20 % of its scenarios (there is no separate held-out file).
                c.Part = Splits.ForCorpus("scoped|" + c.Language, c.Scenario ?? c.Id);
                c.ScopedHarms = harms;
                data.Scoped.Add(c);
            }
        }

        foreach (var path in options.LineConversations)
        {
            foreach (var c in CorpusReaders.ReadConversations(path, LineOnlySource))
            {
                // Nothing else reads them, so every one trains; folds by its group like any other corpus.
                c.Part = DataPart.Train;
                data.LineOnly.Add(c);
            }
        }

        foreach (var path in options.Heldout)
        {
            foreach (var c in CorpusReaders.ReadConversations(path, "synthetic"))
            {
                c.Part = DataPart.Heldout;
                data.Synthetic.Add(c);
            }
        }

        foreach (var path in options.Lines)
        {
            data.SyntheticLines.AddRange(CorpusReaders.ReadLines(path));
        }

        // The interleaved offenders are split first; the same offenders' koutli lines get the same part, so a held-out
        // interleaved offender is never trained on through the koutli corpus.
        var interleavedParts = new Dictionary<string, DataPart>(StringComparer.Ordinal);
        if (options.PjInterleavedDirectory is not null)
        {
            string sessionsPath = Path.Combine(options.PjInterleavedDirectory, RealChat.PjSessionsFile);
            if (!File.Exists(sessionsPath))
            {
                throw new DataFormatException($"{sessionsPath}: not found (expected the interleaved Perverted-Justice sessions)");
            }

            var sessions = CorpusReaders.ReadConversations(sessionsPath, "pjx");
            interleavedParts = RealChat.SplitOffenders(sessions.Select(c => c.Group));
            foreach (var c in sessions)
            {
                c.Part = interleavedParts[RealChat.NormalizeName(c.Group)];
                data.PjSessions.Add(c);
            }

            var annotatedAt = new Dictionary<(int Line, int Message), string>();
            foreach (var tsv in options.PjLabels)
            {
                data.PjAnnotated.AddRange(RealChat.ReadAnnotations(tsv, sessions, interleavedParts, annotatedAt));
            }
        }

        foreach (var path in options.RealBenign)
        {
            string source = RealChat.SourceOf(path);
            foreach (var c in CorpusReaders.ReadConversations(path, source))
            {
                c.Part = Splits.ForCorpus(source, c.Group);
                data.RealBenign.Add(c);
            }
        }

        foreach (var path in options.RealEval)
        {
            foreach (var c in CorpusReaders.ReadConversations(path, RealChat.SourceOf(path)))
            {
                c.Part = DataPart.Heldout;
                data.RealEval.Add(c);
            }
        }

        if (options.PervertedJusticeDirectory is not null)
        {
            foreach (var offender in CorpusReaders.ReadPervertedJustice(options.PervertedJusticeDirectory))
            {
                offender.Part = interleavedParts.TryGetValue(RealChat.NormalizeName(offender.Username), out var part) ? part : Splits.ForCorpus("pj", offender.Username);
                data._pjOffenderGroups.TryAdd(RealChat.NormalizeName(offender.Username), "pj|" + offender.Username);
                data.PjOffenders.Add(offender);
                data.PjConversations.AddRange(PseudoConversations(offender, options.Seed));
            }
        }

        if (options.VtpanCsv is not null)
        {
            foreach (var c in CorpusReaders.ReadVtpan(options.VtpanCsv))
            {
                c.Part = Splits.ForCorpus("vtpan", c.Id);
                data.Vtpan.Add(c);
            }
        }

        foreach (var path in options.VtpanTranslated)
        {
            foreach (var c in CorpusReaders.ReadVtpanTranslated(path))
            {
                c.Part = Splits.ForCorpus("vtpan-translated", c.Group);
                c.ScopedHarms = TranslatedVtpanHarms;
                data.VtpanTranslated.Add(c);
            }
        }

        if (options.DotaJsonl is not null)
        {
            foreach (var c in CorpusReaders.ReadConversations(options.DotaJsonl, "dota"))
            {
                c.Part = Splits.ForCorpus("dota", c.Group);
                data.Dota.Add(c);
            }
        }

        if (options.NpsJsonl is not null)
        {
            foreach (var c in CorpusReaders.ReadConversations(options.NpsJsonl, "nps", skipSystemPosts: true))
            {
                c.Part = DataPart.Heldout;
                data.Nps.Add(c);
            }
        }

        if (options.Pan12SampleJsonl is not null)
        {
            foreach (var c in CorpusReaders.ReadConversations(options.Pan12SampleJsonl, "pan12-sample", htmlDecode: true))
            {
                c.Part = DataPart.Heldout;
                data.Pan12Sample.Add(c);
            }
        }

        foreach (var path in options.External)
        {
            foreach (var c in CorpusReaders.ReadConversations(path, "external"))
            {
                c.Part = DataPart.Heldout;
                data.External.Add(c);
            }
        }

        foreach (var c in data.PjConversations.Where(c => c.Part != DataPart.Heldout))
        {
            data.PastedLogs.Add(AsPastedLog(c));
        }

        log.WriteLine($"data: synthetic {Describe(data.Synthetic)}; lines {data.SyntheticLines.Count}; " +
                      $"pj offenders {data.PjOffenders.Count} (train {data.PjOffenders.Count(o => o.Part == DataPart.Train)}, " +
                      $"val {data.PjOffenders.Count(o => o.Part == DataPart.Validation)}, heldout {data.PjOffenders.Count(o => o.Part == DataPart.Heldout)}), " +
                      $"pj pseudo-conversations {data.PjConversations.Count}; vtpan {Describe(data.Vtpan)}; vtpan translated {Describe(data.VtpanTranslated)}; dota {Describe(data.Dota)}; " +
                      $"nps {data.Nps.Count}; pan12-sample {data.Pan12Sample.Count}; real benign {Describe(data.RealBenign)}; real eval-only {data.RealEval.Count}; " +
                      $"pj sessions {Describe(data.PjSessions)}; pj annotated lines {data.PjAnnotated.Count} (train {data.PjAnnotated.Count(a => a.Part == DataPart.Train)}, heldout {data.PjAnnotated.Count(a => a.Part == DataPart.Heldout)})");
        return data;
    }

    public IEnumerable<ChatConversation> AllConversations() =>
        Synthetic.Concat(PjConversations).Concat(Vtpan).Concat(Dota).Concat(Nps).Concat(Pan12Sample);

    private static string Describe(List<ChatConversation> list) =>
        $"{list.Count} (train {list.Count(c => c.Part == DataPart.Train)}, val {list.Count(c => c.Part == DataPart.Validation)}, " +
        $"heldout {list.Count(c => c.Part == DataPart.Heldout)}; positives {list.Count(c => c.Label != HarmLabel.Benign)})";

    /// <summary>A conversation as one long message of an unknown author (texts joined by spaces, like VTPAN segments).</summary>
    internal static ChatConversation AsPastedLog(ChatConversation c) => new()
    {
        Id = c.Id + "-pasted",
        Source = c.Source + "-pasted",
        Label = c.Label,
        Scenario = c.Scenario,
        Messages = [new ChatLine("unknown", string.Join(' ', c.Messages.Select(m => m.Text)), [])],
        Predators = c.Label == HarmLabel.Benign ? new HashSet<string>() : new HashSet<string> { "unknown" },
        Group = c.Group,
        Part = c.Part,
    };

    /// <summary>
    /// Builds pseudo-conversations from one offender: offender and decoy lines are merged keeping each side's order
    /// (the real interleaving is lost), then cut into up to 3 segments of 20–120 messages.
    /// </summary>
    internal static List<ChatConversation> PseudoConversations(PjOffender offender, int seed)
    {
        var random = new Random(seed ^ (int)FeatureHashing.StableHash(offender.Username));
        var merged = new List<ChatLine>(offender.OffenderLines.Count + offender.DecoyLines.Count);
        int p = 0, d = 0;
        while (p < offender.OffenderLines.Count || d < offender.DecoyLines.Count)
        {
            int pLeft = offender.OffenderLines.Count - p, dLeft = offender.DecoyLines.Count - d;
            bool takeOffender = dLeft == 0 || (pLeft > 0 && random.NextDouble() < pLeft / (double)(pLeft + dLeft));
            merged.Add(takeOffender
                ? new ChatLine("offender", offender.OffenderLines[p++], [])
                : new ChatLine("decoy", offender.DecoyLines[d++], []));
        }

        var result = new List<ChatConversation>();
        int segments = Math.Clamp(merged.Count / 150, 1, 3);
        for (int s = 0; s < segments; s++)
        {
            int length = Math.Min(merged.Count, random.Next(20, 121));
            if (length < 10)
            {
                break;
            }

            int start = random.Next(0, merged.Count - length + 1);
            result.Add(new ChatConversation
            {
                Id = $"pj-{offender.Username}-{s}",
                Source = "pj",
                Label = HarmLabel.Grooming,
                Messages = merged.GetRange(start, length),
                Predators = new HashSet<string> { "offender" },
                Group = "pj|" + offender.Username,
                Part = offender.Part,
            });
        }

        return result;
    }

    /// <summary>Signal names of the grooming harm, as a set.</summary>
    public static readonly HashSet<string> SextortionSignals = [.. SignalNames.Sextortion];
}
