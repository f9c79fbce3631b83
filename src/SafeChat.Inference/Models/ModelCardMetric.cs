using System.Text.Json.Serialization;

namespace SafeChat.Inference.Models;

/// <summary>One measured result of a model on a data set split.</summary>
public sealed record ModelCardMetric
{
    /// <summary>The data set name.</summary>
    public string Dataset { get; init; } = "";

    /// <summary>The split, e.g. <c>test</c>.</summary>
    public string Split { get; init; } = "";

    /// <summary>The number of examples scored.</summary>
    public long N { get; init; }

    /// <summary>Precision at the operating threshold.</summary>
    public double? Precision { get; init; }

    /// <summary>Recall at the operating threshold.</summary>
    public double? Recall { get; init; }

    /// <summary>F0.5 at the operating threshold (precision weighted over recall).</summary>
    [JsonPropertyName("f05")]
    public double? F05 { get; init; }

    /// <summary>Average precision (area under the precision-recall curve).</summary>
    [JsonPropertyName("ap")]
    public double? Ap { get; init; }

    /// <summary>Recall at the threshold that gives a 1% false positive rate.</summary>
    [JsonPropertyName("recall_at_1pct_fpr")]
    public double? RecallAt1PctFpr { get; init; }

    /// <summary>F1 weighted by how early in the conversation the detection fires.</summary>
    [JsonPropertyName("latency_weighted_f1")]
    public double? LatencyWeightedF1 { get; init; }

    /// <summary>Free-form notes.</summary>
    public string Notes { get; init; } = "";

    /// <summary>How the numbers were measured (command, threshold choice, unit of counting).</summary>
    public string HowMeasured { get; init; } = "";
}
