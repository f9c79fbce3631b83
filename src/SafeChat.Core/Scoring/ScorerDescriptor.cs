namespace SafeChat.Scoring;

/// <summary>Describes a scorer.</summary>
/// <param name="ModelId">The model id (for example <c>safechat-signals-v1</c>).</param>
/// <param name="ModelVersion">A version string recorded in decisions and evidence (model id plus sha256 prefix is a good choice).</param>
/// <param name="SignalNames">The signals, in the order of <see cref="MessageSignals.Probabilities"/>.</param>
/// <param name="AlertThresholds">Default per-harm risk thresholds at which the engine raises an alert.</param>
public sealed record ScorerDescriptor(
    string ModelId,
    string ModelVersion,
    IReadOnlyList<string> SignalNames,
    IReadOnlyDictionary<string, float> AlertThresholds);
