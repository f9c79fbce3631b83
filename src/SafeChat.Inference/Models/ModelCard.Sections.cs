using System.Text.Json.Serialization;

namespace SafeChat.Inference.Models;

/// <summary>One graph input or output as described by a <see cref="ModelCard"/>.</summary>
public sealed record ModelCardTensor
{
    /// <summary>The graph value name, e.g. <c>ids</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>The ONNX element type: <c>float</c>, <c>int64</c>, <c>float16</c>, <c>int32</c>, ...</summary>
    public string Type { get; init; } = "";

    /// <summary>
    /// Dimensions in order. A dimension made of digits is fixed (<c>"16"</c>); anything else names a symbolic
    /// dimension (<c>"batch"</c>, <c>"length"</c>).
    /// </summary>
    public IReadOnlyList<string> Shape { get; init; } = [];

    /// <summary>What the values mean.</summary>
    public string Meaning { get; init; } = "";
}

/// <summary>The tokenizer or featurizer a model expects.</summary>
public sealed record ModelCardTokenizer
{
    /// <summary>The kind, e.g. <c>hashed-ngrams</c> or <c>wordpiece</c>.</summary>
    public string Kind { get; init; } = "";

    /// <summary>Tokenizer files beside the card (each also listed in <see cref="ModelCard.Files"/>).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Kind-specific settings, e.g. the hash dimension or n-gram lengths.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
}

/// <summary>A data set considered for a model, with its licence and how it was used.</summary>
public sealed record ModelCardTrainingData
{
    /// <summary>The data set name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Where it came from (URL or description).</summary>
    public string Source { get; init; } = "";

    /// <summary>The licence as stated by the source.</summary>
    public string Licence { get; init; } = "";

    /// <summary>How it was used: <c>train</c>, <c>eval</c> or <c>not used</c> (with the reason in <see cref="Notes"/>).</summary>
    public string Usage { get; init; } = "";

    /// <summary>Counts, e.g. <c>conversations</c>, <c>messages</c>, <c>positive</c>.</summary>
    public IReadOnlyDictionary<string, long> Counts { get; init; } = new Dictionary<string, long>();

    /// <summary>Anything else a reader needs to know.</summary>
    public string? Notes { get; init; }
}

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
