using SafeChat.Conversations;
using SafeChat.Scoring;
using SafeChat.Training.Data;

namespace SafeChat.Training;

/// <summary>Builds the per-message training examples and their per-head labels.</summary>
internal static class LineExamples
{
    /// <summary>At most this many weak-labelled Perverted-Justice offender lines per signal (the rest stay unlabeled).</summary>
    internal const int WeakLinesPerSignal = 4000;

    /// <summary>Example weight of a hand-annotated real offender line (few, and the only real signal labels).</summary>
    internal const float AnnotatedLineWeight = 3f;

    /// <summary>Labels of a line written in a conversation of <paramref name="harm"/> by a predator or not.</summary>
    /// <remarks>
    /// Grooming: the grooming line head is positive for a line with any annotated signal, unlabeled otherwise; the other
    /// line heads are negative. Another harm H: H's line head is positive for a line with one of H's signals, unlabeled
    /// otherwise; the other line heads are negative on such a line and unlabeled otherwise.
    /// </remarks>
    public static sbyte[] Labels(IReadOnlyList<string> signals, HarmLabel harm, bool predator)
    {
        var labels = new sbyte[LineHeads.Count];
        if (!predator || harm == HarmLabel.Benign)
        {
            return labels;
        }

        int own = HarmIndex(harm);
        var ownSignals = SignalNames.Of(HarmNames.All[own]);
        bool any = signals.Count > 0;
        bool ownFired = false;
        for (int s = 0; s < LineHeads.SignalCount; s++)
        {
            bool has = signals.Contains(SignalNames.All[s]);
            labels[s] = has ? (sbyte)1 : (sbyte)0;
            ownFired |= has && ownSignals.Contains(SignalNames.All[s]);
        }

        for (int h = 0; h < LineHeads.HarmCount; h++)
        {
            if (harm == HarmLabel.Grooming)
            {
                labels[LineHeads.LineIndex(h)] = h == own ? (any ? (sbyte)1 : (sbyte)-1) : (sbyte)0;
            }
            else
            {
                labels[LineHeads.LineIndex(h)] = h == own ? (ownFired ? (sbyte)1 : (sbyte)-1) : (ownFired ? (sbyte)0 : (sbyte)-1);
            }
        }

        return labels;
    }

    /// <summary>
    /// <paramref name="labels"/> with every head outside <paramref name="harms"/> unused (-1): the signal heads and the
    /// line head of the other harms, and <c>minor_cue</c>. Null harms leave the labels as they are.
    /// </summary>
    public static sbyte[] ScopedLabels(sbyte[] labels, IReadOnlySet<int>? harms)
    {
        if (harms is null)
        {
            return labels;
        }

        for (int s = 0; s < LineHeads.SignalCount; s++)
        {
            if (!harms.Contains(SignalHarms[s]))
            {
                labels[s] = -1;
            }
        }

        for (int h = 0; h < LineHeads.HarmCount; h++)
        {
            if (!harms.Contains(h))
            {
                labels[LineHeads.LineIndex(h)] = -1;
            }
        }

        labels[LineHeads.MinorCueIndex] = -1;
        return labels;
    }

    // The harm (index into HarmNames.All) of each signal head.
    private static readonly int[] SignalHarms = [.. SignalNames.All.Select(s => HarmNames.All.ToList().IndexOf(SignalNames.HarmOf(s)!))];

    /// <summary>The index into <see cref="HarmNames.All"/> of a (non-benign) harm label.</summary>
    public static int HarmIndex(HarmLabel harm) => (int)harm - 1;

    /// <summary>The harm label of an index into <see cref="HarmNames.All"/>.</summary>
    public static HarmLabel LabelOf(int harm) => (HarmLabel)(harm + 1);

    /// <summary>A Perverted-Justice offender line: a grooming line whose signals are not annotated.</summary>
    public static sbyte[] OffenderLabels()
    {
        var labels = new sbyte[LineHeads.Count];
        Array.Fill(labels, (sbyte)-1, 0, LineHeads.SignalCount);
        for (int h = 0; h < LineHeads.HarmCount; h++)
        {
            labels[LineHeads.LineIndex(h)] = h == 0 ? (sbyte)1 : (sbyte)0;
        }

        labels[LineHeads.MinorCueIndex] = -1;
        return labels;
    }

    /// <summary>
    /// Labels of a line that is benign for the harm heads but says nothing about signals: decoys in a sting answer
    /// sexual and meeting talk in kind, and chat-room chatter is often sexual between adults, so as signal negatives
    /// they taught the signal heads that sexual or meeting words mean "no signal" (measured: sexual/meeting AP fell).
    /// </summary>
    public static sbyte[] HarmNegativeOnlyLabels()
    {
        var labels = new sbyte[LineHeads.Count];
        Array.Fill(labels, (sbyte)-1, 0, LineHeads.SignalCount);
        labels[LineHeads.MinorCueIndex] = -1;
        return labels;
    }

    public static List<LineExample> Build(TrainingData data, TrainingFeaturizer featurizer, int folds, int pjLineSample, float weakLabelWeight, int seed, TextWriter log)
    {
        var examples = new List<LineExample>();
        var validationTexts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in data.Synthetic.Where(c => c.Part != DataPart.Train))
        {
            foreach (var m in c.Messages)
            {
                validationTexts.Add(m.Text);
            }
        }

        var conversationTexts = new HashSet<string>(StringComparer.Ordinal);
        int spacedVariants = 0;
        int minorCuePositives = 0;
        foreach (var c in data.Synthetic.Where(c => c.Part == DataPart.Train))
        {
            int fold = data.Fold(c, folds);
            foreach (var m in c.Messages)
            {
                conversationTexts.Add(m.Text);
                var labels = ConversationLineLabels(c, m);
                minorCuePositives += labels[LineHeads.MinorCueIndex] == 1 ? 1 : 0;
                AddText(examples, featurizer, m.Text, labels, fold);
                if (m.Signals.Count > 0 && c.Predators.Contains(m.Author) && LetterSpaced(m.Text) is { } spaced)
                {
                    spacedVariants++;
                    AddText(examples, featurizer, spaced, labels, fold);
                }
            }
        }

        int extra = 0;
        foreach (var line in data.SyntheticLines)
        {
            if (validationTexts.Contains(line.Text) || conversationTexts.Contains(line.Text))
            {
                continue;
            }

            extra++;
            var lineLabels = Labels(SignalsOf(line.Text, line.Signals), line.Harm, line.IsPredator);
            lineLabels[LineHeads.MinorCueIndex] = -1;
            AddText(examples, featurizer, line.Text, lineLabels, -1);
        }

        var trainOffenders = data.PjOffenders.Where(o => o.Part == DataPart.Train).ToList();
        long offenderTotal = trainOffenders.Sum(o => (long)o.OffenderLines.Count);
        long decoyTotal = trainOffenders.Sum(o => (long)o.DecoyLines.Count);
        var random = new Random(seed);
        int pjOffenderLines = 0, pjDecoyLines = 0, pjWeakLines = 0;
        var weakCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        // Weak labels: sample each signal's matching lines at a rate that keeps about WeakLinesPerSignal of them,
        // spread over all training offenders (not the first few files).
        var matches = trainOffenders.Select(o => o.OffenderLines.Select(WeakSignalLabels.Match).ToList()).ToList();
        var matchTotals = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var lineMatches in matches.SelectMany(m => m))
        {
            foreach (var signal in lineMatches)
            {
                matchTotals[signal] = matchTotals.GetValueOrDefault(signal) + 1;
            }
        }

        for (int o = 0; o < trainOffenders.Count; o++)
        {
            var offender = trainOffenders[o];
            int fold = Splits.Fold("pj|" + offender.Username, folds);
            double offenderRate = Math.Min(1.0, pjLineSample / (double)Math.Max(1, offenderTotal));
            double decoyRate = Math.Min(1.0, pjLineSample / (double)Math.Max(1, decoyTotal));
            for (int l = 0; l < offender.OffenderLines.Count; l++)
            {
                string line = offender.OffenderLines[l];
                bool sampled = random.NextDouble() < offenderRate;
                var matched = matches[o][l];
                double keep = matched.Count == 0 ? 0 : matched.Max(s => WeakLinesPerSignal / (double)matchTotals[s]);
                if (weakLabelWeight > 0 && matched.Count > 0 && random.NextDouble() < keep)
                {
                    foreach (var s in matched)
                    {
                        weakCounts[s] = weakCounts.GetValueOrDefault(s) + 1;
                    }

                    pjWeakLines++;
                    AddText(examples, featurizer, line, WeakSignalLabels.Labels(matched), fold, weakLabelWeight);
                }
                else if (sampled)
                {
                    pjOffenderLines++;
                    AddText(examples, featurizer, line, OffenderLabels(), fold);
                }
            }

            foreach (var line in offender.DecoyLines)
            {
                bool minorCue = WeakSignalLabels.IsMinorCue(line);
                if (minorCue || random.NextDouble() < decoyRate)
                {
                    pjDecoyLines++;
                    var decoyLabels = HarmNegativeOnlyLabels();
                    if (minorCue)
                    {
                        decoyLabels[LineHeads.MinorCueIndex] = 1;
                        minorCuePositives++;
                    }

                    AddText(examples, featurizer, line, decoyLabels, fold);
                }
            }
        }

        int dotaLines = 0;
        foreach (var c in data.Dota.Where(c => c.Part == DataPart.Train))
        {
            int fold = data.Fold(c, folds);
            foreach (var m in c.Messages)
            {
                dotaLines++;
                AddText(examples, featurizer, m.Text, new sbyte[LineHeads.Count], fold);
            }
        }

        // Real everyday chat nobody here wrote: a negative for every signal and both harm heads (its "I have it",
        // "check this", "9", "lets go" are what the heads must learn to leave alone). minor_cue stays unlabeled on
        // ConvAI2, whose crowdworkers sometimes play children.
        int realLines = 0;
        foreach (var c in data.RealBenign.Where(c => c.Part == DataPart.Train))
        {
            int fold = data.Fold(c, folds);
            foreach (var m in c.Messages)
            {
                var labels = new sbyte[LineHeads.Count];
                labels[LineHeads.MinorCueIndex] = c.Source == "convai2" ? (sbyte)-1 : (sbyte)0;
                realLines++;
                AddText(examples, featurizer, m.Text, labels, fold);
            }
        }

        // Hand-annotated real offender lines of TRAINING offenders: annotated signals positive, every other signal a
        // negative (the annotator looked for all 13), grooming_line positive.
        int annotated = 0;
        foreach (var line in data.PjAnnotated.Where(a => a.Part == DataPart.Train))
        {
            var labels = OffenderLabels();
            for (int s = 0; s < LineHeads.SignalCount; s++)
            {
                // The annotator looked for the grooming and sextortion signals only: the later harms stay unlabeled.
                bool looked = s < SignalNames.Grooming.Count + SignalNames.Sextortion.Count;
                labels[s] = line.Signals.Contains(SignalNames.All[s]) ? (sbyte)1 : looked ? (sbyte)0 : (sbyte)-1;
            }

            annotated++;
            AddText(examples, featurizer, line.Text, labels, data.PjOffenderFold(line.Offender, folds), AnnotatedLineWeight);
        }

        int vtpanChunks = 0;
        int vtpanGroomingChunks = 0;
        var groomingChunkLabels = OffenderLabels();
        foreach (var c in data.Vtpan.Where(c => c.Part == DataPart.Train))
        {
            int fold = data.Fold(c, folds);
            bool grooming = c.Label == HarmLabel.Grooming;
            foreach (var chunk in featurizer.Chunks(c.Messages[0].Text))
            {
                // A grooming chunk mixes predator and decoy lines: a weaker grooming_line positive, never a signal label.
                examples.Add(new LineExample
                {
                    Features = chunk,
                    Labels = grooming ? groomingChunkLabels : HarmNegativeOnlyLabels(),
                    Fold = fold,
                    Weight = grooming ? 0.5f : 1f,
                });
                vtpanChunks += grooming ? 0 : 1;
                vtpanGroomingChunks += grooming ? 1 : 0;
            }
        }

        // Scoped conversations come last and label only their own harms' heads: every other head leaves them unused,
        // so those heads train on exactly the examples they had without the file.
        int scopedLines = 0;
        foreach (var c in data.Scoped.Where(c => c.Part == DataPart.Train))
        {
            int fold = data.Fold(c, folds);
            foreach (var m in c.Messages)
            {
                var labels = ScopedLabels(Labels(SignalsOf(m.Text, m.Signals), c.Label, c.Predators.Contains(m.Author)), c.ScopedHarms);
                scopedLines++;
                AddText(examples, featurizer, m.Text, labels, fold);
            }
        }

        // Line-only conversations (--line-conversations): labelled as --conversations label their lines, minor_cue
        // included; they give no risk row, so the aggregator never learns from them.
        int lineOnlyLines = 0;
        foreach (var c in data.LineOnly)
        {
            int fold = data.Fold(c, folds);
            foreach (var m in c.Messages)
            {
                lineOnlyLines++;
                AddText(examples, featurizer, m.Text, ConversationLineLabels(c, m), fold);
            }
        }

        log.WriteLine($"line examples: {examples.Count} (scoped {scopedLines}, line-only {lineOnlyLines}, synthetic extra lines {extra}, letter-spaced variants {spacedVariants}, pj offender {pjOffenderLines}, pj weak-labelled offender {pjWeakLines} [{string.Join(", ", weakCounts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + " " + p.Value))}], pj decoy {pjDecoyLines}, " +
                      $"dota {dotaLines}, real benign {realLines}, pj annotated {annotated}, minor_cue positives {minorCuePositives}, vtpan-benign chunks {vtpanChunks}, vtpan-grooming chunks {vtpanGroomingChunks})");
        return examples;
    }

    /// <summary>The labels of a written conversation's line: its annotated signals, its harm line head and minor_cue.</summary>
    private static sbyte[] ConversationLineLabels(ChatConversation c, ChatLine m)
    {
        bool predator = c.Predators.Contains(m.Author);
        var labels = Labels(SignalsOf(m.Text, m.Signals), c.Label, predator);
        labels[LineHeads.MinorCueIndex] = MinorCueLabel(c, m, predator);
        return labels;
    }

    /// <summary>
    /// minor_cue label of a synthetic message: a known minor's line that says so is positive, other minor lines are
    /// unlabeled (most are plain chat), a non-predator adult's line is negative, a predator's line is unlabeled.
    /// </summary>
    private static sbyte MinorCueLabel(ChatConversation c, ChatLine m, bool predator)
    {
        var age = c.Ages.TryGetValue(m.Author, out var band) ? band : AgeBand.Unknown;
        if (age is AgeBand.Child or AgeBand.Teen)
        {
            return WeakSignalLabels.IsMinorCue(m.Text) ? (sbyte)1 : (sbyte)-1;
        }

        return age == AgeBand.Adult && !predator ? (sbyte)0 : (sbyte)-1;
    }

    /// <summary>
    /// The evasion "a d d  m e  o n  s n a p" (letters spaced, words double-spaced) of a short line, or null. The
    /// normalizer joins such letters into one word, so the model must learn the WordPiece pieces of the glued form.
    /// </summary>
    internal static string? LetterSpaced(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length is 0 or > 6 || words.Any(w => !w.All(char.IsAsciiLetter)))
        {
            return null;
        }

        return string.Join("  ", words.Select(w => string.Join(' ', w.ToCharArray())));
    }

    /// <summary>
    /// A message without a single letter ("9", "10!", "9 🙄" in a countdown) means nothing by itself: its annotated
    /// signals become negatives, so a lone number never fires <c>deadline</c> (the countdown still shows in the
    /// conversation's other messages).
    /// </summary>
    internal static IReadOnlyList<string> SignalsOf(string text, IReadOnlyList<string> signals) =>
        signals.Count > 0 && !text.Any(char.IsLetter) ? [] : signals;

    private static void AddText(List<LineExample> examples, TrainingFeaturizer featurizer, string text, sbyte[] labels, int fold, float weight = 1f)
    {
        foreach (var chunk in featurizer.Chunks(text))
        {
            examples.Add(new LineExample { Features = chunk, Labels = labels, Fold = fold, Weight = weight });
        }
    }
}
