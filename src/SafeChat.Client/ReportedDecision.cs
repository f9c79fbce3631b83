using SafeChat.Policies;

namespace SafeChat.Client;

/// <summary>A decision as reported off the device.</summary>
/// <param name="RuleId">The rule id.</param>
/// <param name="Action">The action.</param>
/// <param name="Severity">The severity, for escalations.</param>
/// <param name="Shadow">True for shadow-mode decisions.</param>
public sealed record ReportedDecision(string RuleId, PolicyAction Action, Severity? Severity, bool Shadow);
