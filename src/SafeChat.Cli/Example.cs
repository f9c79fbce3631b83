namespace SafeChat.Cli;

/// <summary>One conversation as a metric sees it for one harm (or for any harm).</summary>
/// <param name="Score">The risk that ranks it (the harm's highest risk, or the overall risk).</param>
/// <param name="Positive">Whether the gold (or a reviewer) says it is harmful.</param>
/// <param name="Predicted">Whether SafeChat alerted.</param>
/// <param name="FirstAlertIndex">The 0-based message index of the first alert, when known.</param>
/// <param name="AlertBy">The gold's <c>alert_by</c>: the message index by which an alert is due.</param>
internal readonly record struct Example(double Score, bool Positive, bool Predicted, int? FirstAlertIndex, int? AlertBy);
