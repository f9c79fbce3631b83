namespace SafeChat.Server.Moderation;

/// <summary>A nudge to show to some users. Never contains message text.</summary>
/// <param name="RuleId">The rule that asked for it.</param>
/// <param name="Text">The nudge text from the policy.</param>
/// <param name="ToSender">True for a warn-sender nudge (show it to the sender).</param>
/// <param name="TargetUserIds">For warn-recipient nudges, the recipients to show it to.</param>
public sealed record Nudge(string RuleId, string Text, bool ToSender, IReadOnlyList<string> TargetUserIds);
