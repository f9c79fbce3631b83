namespace SafeChat.Cli;

/// <summary>
/// The metrics of one slice and harm, computed exactly as <c>shared/tools/eval.py</c> does (see <see cref="Metrics"/>).
/// Null means "not defined on this slice" (no positives, no negatives, no <c>alert_by</c>, no true positive).
/// </summary>
internal sealed record MetricRow(
    int N,
    int Positives,
    int Negatives,
    int Tp,
    int Fp,
    int Fn,
    int Tn,
    double Precision,
    double Recall,
    double F1,
    double F05,
    double Fpr,
    double? AveragePrecision,
    double? RecallAtTargetFpr,
    double? ThresholdAtTargetFpr,
    double? EarlyRecall,
    double? MedianLatency,
    double? Speed,
    double FLatency);
