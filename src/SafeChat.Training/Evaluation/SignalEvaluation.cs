using System.Globalization;
using System.Text;
using SafeChat.Scoring;
using SafeChat.Training.Data;

namespace SafeChat.Training.Evaluation;

/// <summary>
/// Per-signal measurements on real text: how often each signal fires on real benign held-out messages (every firing is
/// a false alarm up to the corpus's own noise), and precision/recall on the hand-annotated offender lines of HELD-OUT
/// Perverted-Justice offenders. Rendered as a markdown table.
/// </summary>
internal static class SignalEvaluation
{
    public static string Run(ISafetyScorer scorer, TrainingData data, IReadOnlyList<AnnotatedLine> probes, TextWriter log)
    {
        var benign = data.RealBenign.Where(c => c.Part == DataPart.Heldout).Concat(data.RealEval)
            .GroupBy(c => c.Source).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Source: g.Key, Texts: g.SelectMany(c => c.Messages.Select(m => m.Text)).ToList())).ToList();
        var benignScores = benign.Select(b => Score(scorer, b.Texts)).ToList();
        var annotated = data.PjAnnotated.Where(a => a.Part == DataPart.Heldout).ToList();
        var annotatedScores = Score(scorer, annotated.Select(a => a.Text).ToList());
        var probeScores = Score(scorer, probes.Select(p => p.Text).ToList());

        var sb = new StringBuilder();
        sb.Append("| signal |");
        foreach (var b in benign)
        {
            sb.Append(CultureInfo.InvariantCulture, $" fires on {b.Source} held-out messages (n={b.Texts.Count}) |");
        }

        int negativeProbes = probes.Count(p => p.Harm == HarmLabel.Benign && p.Signals.Count == 0);
        sb.AppendLine(CultureInfo.InvariantCulture, $" held-out PJ annotated lines (n={annotated.Count}): positives | precision | recall | written probes: positives | recall | written look-alike probes (n={negativeProbes}): fires on |");
        sb.Append("|---|");
        sb.Append(string.Concat(Enumerable.Repeat("---|", benign.Count)));
        sb.AppendLine("---|---|---|---|---|---|");
        for (int s = 0; s < SignalNames.All.Count; s++)
        {
            string signal = SignalNames.All[s];
            sb.Append(CultureInfo.InvariantCulture, $"| {signal} |");
            for (int b = 0; b < benign.Count; b++)
            {
                int fired = benignScores[b].Count(m => m.Probabilities[s] >= 0.5f);
                sb.Append(CultureInfo.InvariantCulture, $" {fired / (double)Math.Max(1, benign[b].Texts.Count):P2} ({fired}) |");
            }

            int tp = 0, fp = 0, positives = 0;
            for (int i = 0; i < annotated.Count; i++)
            {
                bool label = annotated[i].Signals.Contains(signal);
                bool fired = annotatedScores[i].Probabilities[s] >= 0.5f;
                positives += label ? 1 : 0;
                tp += label && fired ? 1 : 0;
                fp += !label && fired ? 1 : 0;
            }

            int probePositives = 0, probeHits = 0, lookalikeFired = 0;
            for (int i = 0; i < probes.Count; i++)
            {
                if (probes[i].Signals.Contains(signal))
                {
                    probePositives++;
                    probeHits += probeScores[i].Probabilities[s] >= 0.5f ? 1 : 0;
                }
                else if (probes[i].Harm == HarmLabel.Benign && probes[i].Signals.Count == 0 && probeScores[i].Probabilities[s] >= 0.5f)
                {
                    lookalikeFired++;
                }
            }

            sb.AppendLine(CultureInfo.InvariantCulture,
                $" {positives} | {F(tp, tp + fp)} | {F(tp, positives)} | {probePositives} | {F(probeHits, probePositives)} | {lookalikeFired} |");
        }

        // Per language: how many labelled probe signals fire, and how many look-alike probes fire any signal.
        sb.AppendLine();
        sb.AppendLine("| written probes by language | labelled signals | fired | recall | look-alike probes | fire any signal | share |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var language in Languages.All.Where(l => probes.Any(p => p.Language == l)))
        {
            int labelled = 0, hits = 0, lookalikes = 0, noisy = 0;
            for (int i = 0; i < probes.Count; i++)
            {
                if (probes[i].Language != language)
                {
                    continue;
                }

                foreach (var signal in probes[i].Signals)
                {
                    int s = IndexOf(signal);
                    labelled++;
                    hits += s >= 0 && probeScores[i].Probabilities[s] >= 0.5f ? 1 : 0;
                }

                if (probes[i].Harm == HarmLabel.Benign && probes[i].Signals.Count == 0)
                {
                    lookalikes++;
                    noisy += Enumerable.Range(0, SignalNames.All.Count).Any(s => probeScores[i].Probabilities[s] >= 0.5f) ? 1 : 0;
                }
            }

            sb.AppendLine(CultureInfo.InvariantCulture, $"| {language} | {labelled} | {hits} | {F(hits, labelled)} | {lookalikes} | {noisy} | {F(noisy, lookalikes)} |");
        }

        foreach (var probe in probes.Select((p, i) => (p, i)).Where(x => x.p.Harm == HarmLabel.Benign && x.p.Signals.Count == 0))
        {
            var fired = Enumerable.Range(0, SignalNames.All.Count).Where(s => probeScores[probe.i].Probabilities[s] >= 0.5f)
                .Select(s => $"{SignalNames.All[s]} {probeScores[probe.i].Probabilities[s]:F2}").ToList();
            if (fired.Count > 0)
            {
                log.WriteLine($"  look-alike probe ({probe.p.Language}) fires {string.Join(", ", fired)}: {probe.p.Text}");
            }
        }

        string table = sb.ToString();
        log.WriteLine("signals on real text:");
        log.WriteLine(table);
        return table;
    }

    private static int IndexOf(string signal)
    {
        for (int s = 0; s < SignalNames.All.Count; s++)
        {
            if (SignalNames.All[s] == signal)
            {
                return s;
            }
        }

        return -1;
    }

    private static string F(int numerator, int denominator) =>
        denominator == 0 ? "–" : (numerator / (double)denominator).ToString("F3", CultureInfo.InvariantCulture);

    private static List<MessageSignals> Score(ISafetyScorer scorer, List<string> texts)
    {
        var result = new List<MessageSignals>(texts.Count);
        for (int i = 0; i < texts.Count; i += 256)
        {
            result.AddRange(scorer.AnalyzeBatch(texts.GetRange(i, Math.Min(256, texts.Count - i))));
        }

        return result;
    }
}
