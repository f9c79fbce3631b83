namespace SafeChat.Cli;

/// <summary>One row of an evaluation: a slice (<c>all</c>, <c>source=X</c>, <c>language=Y</c>), a harm (or <c>any</c>) and its metrics.</summary>
internal sealed record EvalRow(string Slice, string Harm, MetricRow Metrics);
