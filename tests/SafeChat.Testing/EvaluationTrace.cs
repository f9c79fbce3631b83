using System.Globalization;
using System.Text;
using SafeChat.Engine;
using SafeChat.Policies;
using SafeChat.Scoring;

namespace SafeChat.Testing;

/// <summary>
/// A canonical text form of what the pipeline said about one message: risk per harm and per author (floats in
/// round-trip form), the fired signals, the evidence and the decisions. Two adapters of the one engine must produce
/// byte-identical traces for the same conversation.
/// </summary>
public static class EvaluationTrace
{
    /// <summary>The trace line of an engine evaluation.</summary>
    public static string Of(MessageEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        return Of(evaluation.Assessment, evaluation.Signals, evaluation.Decisions);
    }

    /// <summary>The trace line of an assessment, the signals fired on the message and the decisions.</summary>
    public static string Of(RiskAssessment assessment, IReadOnlyList<string> signals, IReadOnlyList<Decision> decisions)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        var sb = new StringBuilder();
        sb.Append("harms=");
        foreach (var harm in assessment.Harms.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sb.Append(harm.Key).Append(':').Append(Float(harm.Value)).Append(',');
        }

        sb.Append(" authors=");
        foreach (var author in assessment.Authors)
        {
            sb.Append(author.AuthorId).Append('{');
            foreach (var harm in author.Harms.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                sb.Append(harm.Key).Append(':').Append(Float(harm.Value)).Append(',');
            }

            sb.Append('}');
        }

        sb.Append(" evidence=");
        foreach (var e in assessment.Signals)
        {
            sb.Append(e.Signal).Append('@').Append(e.AuthorId).Append('#').Append(e.MessageIndex.ToString(CultureInfo.InvariantCulture))
                .Append('=').Append(Float(e.Probability)).Append(',');
        }

        sb.Append(" fired=").Append(string.Join(",", signals));
        sb.Append(" decisions=");
        foreach (var d in decisions)
        {
            sb.Append(d.RuleId).Append(':').Append(d.Action).Append(d.Shadow ? ":shadow" : string.Empty).Append(',');
        }

        return sb.ToString();
    }

    private static string Float(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}
