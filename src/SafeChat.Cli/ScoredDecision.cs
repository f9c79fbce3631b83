namespace SafeChat.Cli;

/// <summary>A decision of the <c>score</c> output: <c>{"rule","action","message_index","shadow"?}</c>.</summary>
internal sealed record ScoredDecision(string Rule, string Action, int MessageIndex, bool Shadow);
