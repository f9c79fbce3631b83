using System.Globalization;
using System.Text;
using SafeChat.Scoring;
using SafeChat.Training.Data;

namespace SafeChat.Training.Evaluation;

/// <summary>Evaluates a scorer on every held-out set and renders the tables.</summary>
internal static class HeldoutEvaluation
{
    public static List<DatasetResult> Run(ISafetyScorer scorer, IReadOnlyDictionary<string, float> thresholds, TrainingData data, TextWriter log)
    {
        var runner = new EvaluationRunner(scorer, thresholds);
        var results = new List<DatasetResult>();
        var written = data.Synthetic.Where(c => c.Part == DataPart.Heldout && c.Source != TrainingData.EverydaySource).ToList();
        var synthetic = written.Where(c => c.Language == Languages.English).ToList();
        const string Streaming = "streaming replay through SafeChatEngine (window: last 50 messages plus up to 32 salient older ones), alert = first message after which the harm's risk ≥ threshold";
        if (synthetic.Count > 0)
        {
            for (int h = 0; h < HarmNames.All.Count; h++)
            {
                if (h < 2 || synthetic.Any(c => c.Label == LineExamples.LabelOf(h)))
                {
                    results.Add(new($"synthetic held-out: {HarmNames.All[h]} vs benign hard negatives", HarmNames.All[h], Streaming, runner.Measure(synthetic, h)));
                }
            }

            var (flagged, total) = runner.FlaggedAnyHarm(synthetic.Where(c => c.Label == HarmLabel.Benign));
            log.WriteLine($"synthetic held-out benign flagged (any harm): {flagged}/{total} = {flagged / (double)Math.Max(1, total):P1}");
            foreach (var group in synthetic.Where(c => c.Label == HarmLabel.Benign).GroupBy(c => c.Scenario ?? "?").OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var (f, t) = runner.FlaggedAnyHarm(group);
                if (f > 0)
                {
                    log.WriteLine($"  benign scenario {group.Key}: {f}/{t} flagged");
                }
            }

            foreach (var group in synthetic.Where(c => c.Label != HarmLabel.Benign).GroupBy(c => (c.Label, c.Scenario ?? "?")).OrderBy(g => g.Key.ToString(), StringComparer.Ordinal))
            {
                int harm = LineExamples.HarmIndex(group.Key.Label);
                var m = runner.Measure(group, harm);
                if (m.Recall < 0.9)
                {
                    log.WriteLine($"  {group.Key.Label} scenario {group.Key.Item2}: recall {m.Recall:F2} in-time {m.InTimeRate:F2} (n={m.Positives})");
                }
            }
        }

        foreach (var language in Languages.All.Skip(1))
        {
            var held = written.Where(c => c.Language == language).ToList();
            if (held.Count == 0)
            {
                continue;
            }

            for (int harm = 0; harm < HarmNames.All.Count; harm++)
            {
                if (held.Any(c => (int)c.Label == harm + 1))
                {
                    results.Add(new($"hand-written {language} held-out (20 % of that language's scenarios): {HarmNames.All[harm]} vs benign", HarmNames.All[harm], Streaming,
                        runner.Measure(held.Where(c => c.Label == HarmLabel.Benign || (int)c.Label == harm + 1), harm)));
                }
            }

            var (lf, lt) = runner.FlaggedAnyHarm(held.Where(c => c.Label == HarmLabel.Benign));
            log.WriteLine($"{language} held-out benign flagged (any harm): {lf}/{lt}");
        }

        var everyday = data.Synthetic.Where(c => c.Part == DataPart.Heldout && c.Source == TrainingData.EverydaySource).ToList();
        if (everyday.Count > 0)
        {
            results.Add(new("written everyday dialogue between adults (held-out 20 % of --everyday, all benign)", "any", Streaming,
                AllBenignMetrics(runner, everyday, thresholds)));
            var (flagged, total) = runner.FlaggedAnyHarm(everyday);
            log.WriteLine($"everyday held-out flagged (any harm): {flagged}/{total}");
        }

        if (data.External.Count > 0)
        {
            for (int h = 0; h < HarmNames.All.Count; h++)
            {
                if (h < 2 || data.External.Any(c => c.Label == LineExamples.LabelOf(h)))
                {
                    results.Add(new($"external check set (hand-written, independent writers): {HarmNames.All[h]} vs benign hard negatives", HarmNames.All[h], Streaming, runner.Measure(data.External, h)));
                }
            }

            var (flagged, total) = runner.FlaggedAnyHarm(data.External.Where(c => c.Label == HarmLabel.Benign));
            log.WriteLine($"external check set benign flagged (any harm): {flagged}/{total} = {flagged / (double)Math.Max(1, total):P1}");
        }

        var vtpan = data.Vtpan.Where(c => c.Part == DataPart.Heldout).ToList();
        if (vtpan.Count > 0)
        {
            results.Add(new("PAN12/VTPAN segments (held-out rows, each one long message, author unknown)", HarmNames.Grooming,
                "whole segment as ONE message, scored in 20-token chunks; risk of the single-message window", runner.Measure(vtpan, 0)));
            var split = vtpan.Select(SplitSegment).ToList();
            results.Add(new("PAN12/VTPAN segments split into 12-word pseudo-messages (held-out rows)", HarmNames.Grooming,
                Streaming + "; one unknown author", runner.Measure(split, 0)));
        }

        var pj = data.PjConversations.Where(c => c.Part == DataPart.Heldout).ToList();
        var dota = data.Dota.Where(c => c.Part == DataPart.Heldout).ToList();
        if (pj.Count > 0)
        {
            results.Add(new("Perverted-Justice pseudo-conversations (held-out offenders) vs Dota 2 held-out", HarmNames.Grooming,
                Streaming + "; offender/decoy lines re-interleaved (true order lost), 20–120 messages", runner.Measure(pj.Concat(dota), 0)));
        }

        if (dota.Count > 0)
        {
            var (flagged, total) = runner.FlaggedAnyHarm(dota);
            results.Add(new("Dota 2 (held-out matches, all benign)", "any", Streaming,
                AllBenignMetrics(runner, dota, thresholds)));
            log.WriteLine($"dota held-out flagged: {flagged}/{total}");
        }

        foreach (var group in data.RealBenign.Where(c => c.Part == DataPart.Heldout).Concat(data.RealEval).GroupBy(c => c.Source).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var list = group.ToList();
            string name = group.Key switch
            {
                "convai2" => "ConvAI2 small talk (held-out dialogues of the shared half)",
                "ubuntu" => "#ubuntu IRC, 50-message windows (held-out log days)",
                "dailydialog" => "DailyDialog validation (evaluation only, CC BY-NC-SA)",
                var other => other,
            };
            results.Add(new(name, "any", Streaming,
                AllBenignMetrics(runner, list, thresholds)));
            for (int h = 0; h < HarmNames.All.Count; h++)
            {
                int flagged = list.Count(c => runner.Trace(c).FirstAlert(h, thresholds[HarmNames.All[h]]).HasValue);
                log.WriteLine($"{group.Key} held-out flagged for {HarmNames.All[h]}: {flagged}/{list.Count}");
            }
        }

        var sessions = data.PjSessions.Where(c => c.Part == DataPart.Heldout && c.Messages.Count >= 10).ToList();
        if (sessions.Count > 0)
        {
            var realNegatives = data.RealBenign.Where(c => c.Part == DataPart.Heldout).ToList();
            results.Add(new("Perverted-Justice real sessions ≥ 10 messages, both sides in order (held-out offenders, never trained on via koutli either) vs ConvAI2 + IRC held-out", HarmNames.Grooming,
                Streaming + "; offender and decoy in true turn order", runner.Measure(sessions.Concat(realNegatives), 0)));
            foreach (var bucket in sessions.GroupBy(c => c.Messages.Count < 20 ? "10–19" : c.Messages.Count < 50 ? "20–49" : "≥ 50").OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var m = runner.Measure(bucket, 0);
                log.WriteLine($"pj held-out sessions of {bucket.Key} messages: recall {m.Recall:F3} (n={m.Positives})");
            }

            foreach (var offender in sessions.GroupBy(c => c.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var m = runner.Measure(offender, 0);
                log.WriteLine($"pj held-out offender {offender.Key}: recall {m.Recall:F3} (n={m.Positives})");
            }
        }

        if (data.Nps.Count > 0)
        {
            var windows = data.Nps.SelectMany(SplitSession).ToList();
            results.Add(new("NPS chat sessions in 50-post slices (evaluation only, never trained on)", "any", Streaming,
                AllBenignMetrics(runner, windows, thresholds)));
        }

        // Scoped files: their held-out scenarios (every language), per harm they are written for, against their own benign
        // look-alikes; "flagged negatives" counts only the harm of the row.
        var scopedHeld = data.Scoped.Where(c => c.Part == DataPart.Heldout).ToList();
        for (int harm = 0; harm < HarmNames.All.Count && scopedHeld.Count > 0; harm++)
        {
            if (scopedHeld.Any(c => (int)c.Label == harm + 1))
            {
                results.Add(new($"hand-written scoped held-out (20 % of scenarios, all languages): {HarmNames.All[harm]} vs their benign look-alikes", HarmNames.All[harm], Streaming,
                    runner.Measure(scopedHeld.Where(c => c.Label == HarmLabel.Benign || (int)c.Label == harm + 1), harm)));
            }
        }

        if (data.Pan12Sample.Count > 0)
        {
            results.Add(new("PAN12 test sample (36 conversations, 1 grooming)", HarmNames.Grooming, Streaming, runner.Measure(data.Pan12Sample, 0)));
        }

        return results;
    }

    // Metrics of a set that is all benign: each conversation counts as flagged when any harm alerts.
    private static MetricSet AllBenignMetrics(EvaluationRunner runner, IEnumerable<ChatConversation> conversations, IReadOnlyDictionary<string, float> thresholds) =>
        Metrics.Compute(conversations.Select(c => new ScoredConversation(false, 0f, IsFlagged(runner, c, thresholds) ? 0 : null, null, null)).ToList());

    private static bool IsFlagged(EvaluationRunner runner, ChatConversation c, IReadOnlyDictionary<string, float> thresholds)
    {
        var trace = runner.Trace(c);
        for (int h = 0; h < HarmNames.All.Count; h++)
        {
            if (trace.FirstAlert(h, thresholds[HarmNames.All[h]]).HasValue)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Splits a VTPAN segment (no separators) into 12-word pseudo-messages of one unknown author.</summary>
    internal static ChatConversation SplitSegment(ChatConversation segment)
    {
        var words = segment.Messages[0].Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var messages = new List<ChatLine>();
        for (int i = 0; i < words.Length; i += 12)
        {
            messages.Add(new ChatLine("unknown", string.Join(' ', words.Skip(i).Take(12)), []));
        }

        return new ChatConversation
        {
            Id = segment.Id + "-split",
            Source = segment.Source,
            Label = segment.Label,
            Messages = messages,
            Predators = segment.Predators,
            Group = segment.Group,
            Part = segment.Part,
        };
    }

    private static IEnumerable<ChatConversation> SplitSession(ChatConversation session)
    {
        for (int i = 0, s = 0; i < session.Messages.Count; i += 50, s++)
        {
            yield return new ChatConversation
            {
                Id = $"{session.Id}-{s}",
                Source = session.Source,
                Label = HarmLabel.Benign,
                Messages = session.Messages.Skip(i).Take(50).ToList(),
                Group = session.Group,
                Part = session.Part,
            };
        }
    }

    public static string Markdown(IReadOnlyList<DatasetResult> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| dataset (held-out) | harm | positives | negatives | precision | recall | F0.5 | AP | recall @1% FPR | FPR (flagged negatives) | eSPD speed | F_latency | median msgs to alert | in time (≤ alert_by+2) | right author |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            var m = r.Metrics;
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {r.Harm} | {m.Positives} | {m.Negatives} | {F(m.Precision)} | {F(m.Recall)} | {F(m.F05)} | {F(m.AveragePrecision)} | {F(m.RecallAt1PctFpr)} | {F(m.FalsePositiveRate)} | {F(m.Speed)} | {F(m.LatencyF1)} | {F(m.MedianLatency, "F0")} | {F(m.InTimeRate)} | {F(m.AuthorAccuracy)} |");
        }

        return sb.ToString();
    }

    private static string F(double value, string format = "F3") =>
        double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);
}
