using System.Globalization;
using System.Text;
using static SafeChat.Cli.SvgPlot;

namespace SafeChat.Cli;

/// <summary>
/// Builds the self-contained HTML report of <c>safechat report</c>: metrics, precision–recall curves, score histograms
/// for harmful and benign conversations, an alert-latency plot, the confusion at the thresholds in force and the worst
/// false positives and negatives. Inline CSS and SVG only: no script, no external asset. Message text appears only
/// when <c>showText</c> is set.
/// </summary>
internal static class HtmlReport
{
    private const int WorstCount = 10;
    private const int HistogramBins = 20;

    public static string Build(GoldSession session, string goldName, double targetFpr, bool showText, DateTimeOffset now)
    {
        var eval = EvalReport.Build(session, targetFpr);
        var conversations = session.Conversations;
        var harms = session.Harms;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>SafeChat evaluation report</title><style>")
            .Append("body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;background:#fff}")
            .Append("h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}")
            .Append("table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
            .Append("td:first-child,th:first-child,td.l{text-align:left}.plots{display:flex;flex-wrap:wrap;gap:16px}.plot{border:1px solid #ddd}")
            .Append(".muted{color:#666;font-size:13px}ol.text{font-size:12px;text-align:left;margin:0;padding-left:20px}")
            .Append("</style></head><body>");
        html.Append("<h1>SafeChat evaluation report</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Gold file <b>{Escape(goldName)}</b>: {conversations.Count} conversations ({string.Join(", ", harms.Select(h => $"{conversations.Count(c => c.PositiveHarms.Contains(h))} {h}"))}, {conversations.Count(c => c.IsBenign)} benign). Alerts: {Escape(session.View.Description)}. Generated {now:yyyy-MM-dd HH:mm} UTC by safechat {Escape(CliApplication.Version)}.{(showText ? " Message text is shown." : " Message text is not shown (use --show-text).")}</p>");

        html.Append("<h2>Metrics</h2>");
        AppendMetrics(html, eval.Rows.Where(r => r.Slice == "all").ToArray(), targetFpr);

        html.Append("<h2>Precision–recall and score distributions</h2><div class=\"plots\">");
        var curves = new List<Series>();
        var names = new List<string?> { null };
        names.AddRange(harms);
        for (var i = 0; i < names.Count; i++)
        {
            var examples = LabelledConversation.Examples(conversations, names[i], session.View);
            var row = Metrics.Compute(examples, targetFpr);
            curves.Add(new Series(names[i] ?? EvalReport.AnyHarm, PrecisionRecallCurve(examples), Colours[i % Colours.Count], row.Positives > 0 ? (row.Recall, row.Precision) : null));
        }

        html.Append(Lines("pr-curves", "Precision–recall (dot: the alerts in force)", "recall", "precision", curves));
        foreach (var harm in harms)
        {
            var examples = LabelledConversation.Examples(conversations, harm, session.View);
            html.Append(Histogram(
                "histogram-" + harm,
                $"{harm}: highest risk per conversation",
                "risk",
                "conversations",
                0,
                1,
                [
                    new Bars($"{harm} ({examples.Count(e => e.Positive)})", Bin(examples.Where(e => e.Positive).Select(e => e.Score)), Colours[1]),
                    new Bars($"benign ({examples.Count(e => !e.Positive)})", Bin(examples.Where(e => !e.Positive).Select(e => e.Score)), Colours[0]),
                ]));
        }

        html.Append(LatencyPlot(conversations, session.View));
        html.Append("</div>");

        html.Append("<h2>Confusion at the alerts in force</h2><div class=\"plots\">");
        foreach (var name in names)
        {
            var row = Metrics.Compute(LabelledConversation.Examples(conversations, name, session.View), targetFpr);
            html.Append(CultureInfo.InvariantCulture,
                $"<table class=\"confusion\"><tr><th>{Escape(name ?? EvalReport.AnyHarm)}</th><th>alerted</th><th>not alerted</th></tr><tr><td>{Escape(name ?? "harmful")}</td><td>{row.Tp} TP</td><td>{row.Fn} FN</td></tr><tr><td>benign</td><td>{row.Fp} FP</td><td>{row.Tn} TN</td></tr></table>");
        }

        html.Append("</div>");

        var falsePositives = conversations.Where(c => c.IsBenign && session.View.For(c.Scored, null).Alerted).OrderByDescending(c => c.Scored.Risk).Take(WorstCount).ToArray();
        var nearMisses = conversations.Where(c => c.IsBenign && !session.View.For(c.Scored, null).Alerted).OrderByDescending(c => c.Scored.Risk).Take(WorstCount).ToArray();
        var falseNegatives = conversations.Where(c => !c.IsBenign && !session.View.For(c.Scored, null).Alerted).OrderBy(c => c.Scored.Risk).Take(WorstCount).ToArray();
        html.Append("<h2>Worst false positives</h2>");
        AppendConversations(html, "false-positives", falsePositives, harms, session.View, showText, "No benign conversation alerted.");
        if (falsePositives.Length == 0)
        {
            html.Append("<p class=\"muted\">The benign conversations closest to alerting:</p>");
            AppendConversations(html, "near-misses", nearMisses, harms, session.View, showText, "None.");
        }

        html.Append("<h2>Worst false negatives</h2>");
        AppendConversations(html, "false-negatives", falseNegatives, harms, session.View, showText, "Every harmful conversation alerted.");
        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>The precision–recall points at every distinct risk threshold, from the highest risk down.</summary>
    public static List<(double X, double Y)> PrecisionRecallCurve(IReadOnlyList<Example> examples)
    {
        var positives = examples.Count(e => e.Positive);
        var points = new List<(double X, double Y)>();
        if (positives == 0)
        {
            return points;
        }

        int tp = 0, fp = 0;
        foreach (var group in examples.GroupBy(e => e.Score).OrderByDescending(g => g.Key))
        {
            tp += group.Count(e => e.Positive);
            fp += group.Count(e => !e.Positive);
            points.Add(((double)tp / positives, (double)tp / (tp + fp)));
        }

        return points;
    }

    private static double[] Bin(IEnumerable<double> scores)
    {
        var bins = new double[HistogramBins];
        foreach (var score in scores)
        {
            bins[Math.Clamp((int)(score * HistogramBins), 0, HistogramBins - 1)]++;
        }

        return bins;
    }

    private static string LatencyPlot(IReadOnlyList<LabelledConversation> conversations, AlertView view)
    {
        var alerted = conversations.Where(c => !c.IsBenign).Select(c => (c.Gold.AlertBy, view.For(c.Scored, null).FirstIndex)).Where(x => x.FirstIndex is not null).ToArray();
        var withDue = alerted.Where(x => x.AlertBy is not null).ToArray();
        if (withDue.Length > 0)
        {
            const int low = -10, high = 20;
            var labels = Enumerable.Range(low, high - low + 1).Select(d => d == low ? $"≤{d}" : d == high ? $"≥+{d}" : d > 0 ? $"+{d}" : $"{d}").ToArray();
            var inTime = new double[labels.Length];
            var late = new double[labels.Length];
            foreach (var (due, first) in withDue)
            {
                var delay = first!.Value - due!.Value;
                var bin = Math.Clamp(delay, low, high) - low;
                (delay <= Metrics.EarlySlack ? inTime : late)[bin]++;
            }

            return Histogram("latency", "Alert latency: first alert minus alert_by (messages)", "messages after alert_by", "harmful conversations", low, high,
                [new Bars($"in time ({inTime.Sum():0})", inTime, Colours[2]), new Bars($"late ({late.Sum():0})", late, Colours[1])], labels);
        }

        var maxIndex = Math.Max(1, alerted.Select(x => x.FirstIndex!.Value).DefaultIfEmpty(0).Max() + 1);
        var counts = new double[Math.Min(maxIndex, 40)];
        foreach (var (_, first) in alerted)
        {
            counts[Math.Min(first!.Value, counts.Length - 1)]++;
        }

        return Histogram("latency", "Alert latency: messages read before the first alert", "message index of the first alert", "harmful conversations", 0, counts.Length,
            [new Bars($"alerted ({alerted.Length})", counts, Colours[2])], Enumerable.Range(0, counts.Length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());
    }

    private static void AppendMetrics(StringBuilder html, IReadOnlyList<EvalRow> rows, double targetFpr)
    {
        html.Append(CultureInfo.InvariantCulture, $"<table class=\"metrics\"><tr><th>harm</th><th>n</th><th>positives</th><th>benign</th><th>precision</th><th>recall</th><th>F1</th><th>F0.5</th><th>FPR</th><th>AP</th><th>recall @ {targetFpr:0.###%} FPR</th><th>early recall</th><th>F<sub>latency</sub></th></tr>");
        foreach (var row in rows)
        {
            var m = row.Metrics;
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{Escape(row.Harm)}</td><td>{m.N}</td><td>{m.Positives}</td><td>{m.Negatives}</td><td>{F(m.Precision)}</td><td>{F(m.Recall)}</td><td>{F(m.F1)}</td><td>{F(m.F05)}</td><td>{F(m.Fpr)}</td><td>{F(m.AveragePrecision)}</td><td>{F(m.RecallAtTargetFpr)}</td><td>{F(m.EarlyRecall)}</td><td>{F(m.FLatency)}</td></tr>");
        }

        html.Append("</table><p class=\"muted\">early recall: alerted by alert_by + 2. F<sub>latency</sub>: F1 × eSPD speed (Vogt et al. 2021).</p>");
    }

    private static void AppendConversations(StringBuilder html, string id, IReadOnlyList<LabelledConversation> conversations, IReadOnlyList<string> harms, AlertView view, bool showText, string empty)
    {
        if (conversations.Count == 0)
        {
            html.Append("<p class=\"muted\">").Append(Escape(empty)).Append("</p>");
            return;
        }

        html.Append(CultureInfo.InvariantCulture, $"<table id=\"{id}\"><tr><th>id</th><th>line</th><th>label</th><th>risk</th>");
        foreach (var harm in harms)
        {
            html.Append("<th>").Append(Escape(harm)).Append("</th>");
        }

        html.Append("<th>first alert</th><th>alert_by</th>").Append(showText ? "<th>messages</th>" : "").Append("</tr>");
        foreach (var c in conversations)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Escape(c.Gold.Id)}</td><td>{c.Gold.LineNumber}</td><td class=\"l\">{Escape(c.IsBenign ? "benign" : string.Join("+", c.PositiveHarms))}</td><td>{c.Scored.Risk:0.0000}</td>");
            foreach (var harm in harms)
            {
                html.Append(CultureInfo.InvariantCulture, $"<td>{c.Scored.Harms.GetValueOrDefault(harm):0.0000}</td>");
            }

            html.Append(CultureInfo.InvariantCulture, $"<td>{(view.For(c.Scored, null).FirstIndex is { } f ? f.ToString(CultureInfo.InvariantCulture) : "-")}</td><td>{(c.Gold.AlertBy is { } a ? a.ToString(CultureInfo.InvariantCulture) : "-")}</td>");
            if (showText)
            {
                html.Append("<td class=\"l\"><ol class=\"text\" start=\"0\">");
                foreach (var message in c.Gold.Conversation.Messages.Take(30))
                {
                    var text = message.Text.Length > 300 ? message.Text[..300] + "…" : message.Text;
                    html.Append("<li><b>").Append(Escape(message.Author)).Append("</b>: ").Append(Escape(text)).Append("</li>");
                }

                html.Append("</ol></td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table>");
    }

    private static string F(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "–";
}
