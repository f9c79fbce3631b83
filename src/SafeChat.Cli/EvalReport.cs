using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SafeChat.Cli;

/// <summary>The result of <c>safechat eval</c>: every row, printable as a table or as JSON.</summary>
internal sealed record EvalReport(string Alerts, double TargetFpr, IReadOnlyList<EvalRow> Rows)
{
    /// <summary>The harm name of the row that pools every harm (positive = any harm, risk = the overall risk).</summary>
    public const string AnyHarm = "any";

    public static EvalReport Build(GoldSession session, double targetFpr)
    {
        var rows = new List<EvalRow>();
        AddSlice(rows, "all", session.Conversations, session, targetFpr);
        foreach (var (key, select) in new (string, Func<GoldConversation, string?>)[] { ("source", g => g.Source), ("language", g => g.Language) })
        {
            var groups = session.Conversations.Where(c => select(c.Gold) is not null).GroupBy(c => select(c.Gold)!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
            foreach (var group in groups)
            {
                AddSlice(rows, $"{key}={group.Key}", group.ToArray(), session, targetFpr);
            }
        }

        return new EvalReport(session.View.Description, targetFpr, rows);
    }

    private static void AddSlice(List<EvalRow> rows, string slice, IReadOnlyList<LabelledConversation> conversations, GoldSession session, double targetFpr)
    {
        rows.Add(new EvalRow(slice, AnyHarm, Metrics.Compute(LabelledConversation.Examples(conversations, null, session.View), targetFpr)));
        foreach (var harm in session.Harms)
        {
            rows.Add(new EvalRow(slice, harm, Metrics.Compute(LabelledConversation.Examples(conversations, harm, session.View), targetFpr)));
        }
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("alerts", Alerts);
            writer.WriteNumber("target_fpr", TargetFpr);
            writer.WriteStartArray("rows");
            foreach (var row in Rows)
            {
                var m = row.Metrics;
                writer.WriteStartObject();
                writer.WriteString("slice", row.Slice);
                writer.WriteString("harm", row.Harm);
                writer.WriteNumber("n", m.N);
                writer.WriteNumber("positives", m.Positives);
                writer.WriteNumber("negatives", m.Negatives);
                writer.WriteNumber("tp", m.Tp);
                writer.WriteNumber("fp", m.Fp);
                writer.WriteNumber("fn", m.Fn);
                writer.WriteNumber("tn", m.Tn);
                writer.WriteNumber("precision", m.Precision);
                writer.WriteNumber("recall", m.Recall);
                writer.WriteNumber("f1", m.F1);
                writer.WriteNumber("f05", m.F05);
                writer.WriteNumber("fpr", m.Fpr);
                WriteNullable(writer, "ap", m.AveragePrecision);
                WriteNullable(writer, "recall_at_target_fpr", m.RecallAtTargetFpr);
                WriteNullable(writer, "threshold_at_target_fpr", m.ThresholdAtTargetFpr);
                WriteNullable(writer, "early_recall", m.EarlyRecall);
                WriteNullable(writer, "median_latency", m.MedianLatency);
                WriteNullable(writer, "speed", m.Speed);
                writer.WriteNumber("f_latency", m.FLatency);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public string ToTable()
    {
        var headers = new[] { "slice", "harm", "n", "pos", "neg", "precision", "recall", "F1", "F0.5", "FPR", "AP", FormattableString.Invariant($"R@{TargetFpr:0.###%}FPR"), "early", "F_latency" };
        var cells = Rows.Select(r =>
        {
            var m = r.Metrics;
            return new[]
            {
                r.Slice, r.Harm, Int(m.N), Int(m.Positives), Int(m.Negatives), F(m.Precision), F(m.Recall), F(m.F1), F(m.F05),
                F(m.Fpr), F(m.AveragePrecision), F(m.RecallAtTargetFpr), F(m.EarlyRecall), F(m.FLatency),
            };
        }).ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();
        var builder = new StringBuilder();
        builder.Append("alerts: ").Append(Alerts).Append('\n');
        void Line(string[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                var text = i < 2 ? values[i].PadRight(widths[i]) : values[i].PadLeft(widths[i]);
                builder.Append(text).Append(i + 1 < values.Length ? "  " : "\n");
            }
        }

        Line(headers);
        Line(widths.Select(w => new string('-', w)).ToArray());
        foreach (var row in cells)
        {
            Line(row);
        }

        builder.Append("early = alerted by alert_by + 2; F_latency = F1 x eSPD speed; '-' = not defined on that slice.\n");
        return builder.ToString();
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    private static void WriteNullable(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
