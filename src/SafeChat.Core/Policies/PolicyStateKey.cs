namespace SafeChat.Policies;

/// <summary>Identifies one fire-once latch: a rule, a conversation (empty for subject-wide rules) and a subject user.</summary>
/// <param name="RuleId">The rule id.</param>
/// <param name="ConversationId">The conversation (room) id, or empty for <see cref="StateScope.Subject"/> rules.</param>
/// <param name="SubjectId">The user the rule fired about.</param>
public readonly record struct PolicyStateKey(string RuleId, string ConversationId, string SubjectId);
