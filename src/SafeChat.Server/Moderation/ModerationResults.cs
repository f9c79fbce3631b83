using SafeChat.Engine;
using SafeChat.Policies;

namespace SafeChat.Server.Moderation;

/// <summary>What happened to a chat message.</summary>
public enum MessageOutcome
{
    /// <summary>Scored and delivered.</summary>
    Delivered = 0,
    /// <summary>Not delivered: a rule blocked it.</summary>
    Blocked = 1,
    /// <summary>Not delivered now: held for review.</summary>
    Held = 2,
    /// <summary>Not delivered: the conversation is frozen (by this message or an earlier one) until a reviewer lifts it.</summary>
    Frozen = 3,
    /// <summary>
    /// Delivered unscored because the state backend was unavailable (<see cref="StateFailureMode.FailOpen"/>). The policy's
    /// stateless rules (ages, rooms, connections, links and images) were still applied and did not block or hold it.
    /// </summary>
    DeliveredUnscored = 4,
    /// <summary>Not delivered because the state backend was unavailable (<see cref="StateFailureMode.FailClosed"/>).</summary>
    Unavailable = 5,
}

/// <summary>A nudge to show to some users. Never contains message text.</summary>
/// <param name="RuleId">The rule that asked for it.</param>
/// <param name="Text">The nudge text from the policy.</param>
/// <param name="ToSender">True for a warn-sender nudge (show it to the sender).</param>
/// <param name="TargetUserIds">For warn-recipient nudges, the recipients to show it to.</param>
public sealed record Nudge(string RuleId, string Text, bool ToSender, IReadOnlyList<string> TargetUserIds);

/// <summary>What the server decided about one chat message.</summary>
public sealed record MessageModerationResult
{
    /// <summary>The outcome.</summary>
    public required MessageOutcome Outcome { get; init; }

    /// <summary>True when the host should deliver the message.</summary>
    public bool Deliver => Outcome is MessageOutcome.Delivered or MessageOutcome.DeliveredUnscored;

    /// <summary>The rules behind a block, hold or freeze (enforced decisions only).</summary>
    public IReadOnlyList<string> RuleIds { get; init; } = [];

    /// <summary>Every decision of the policy, shadow ones included.</summary>
    public IReadOnlyList<Decision> Decisions { get; init; } = [];

    /// <summary>Nudges to show (enforced warn decisions).</summary>
    public IReadOnlyList<Nudge> Nudges { get; init; } = [];

    /// <summary>Ids of escalations this message recorded for the first time.</summary>
    public IReadOnlyList<string> EscalationIds { get; init; } = [];

    /// <summary>The engine's evaluation; null when the message was not scored (frozen or backend unavailable).</summary>
    public MessageEvaluation? Evaluation { get; init; }
}

/// <summary>What the server decided about a join.</summary>
/// <param name="Allowed">True when the user may join.</param>
/// <param name="RuleIds">The rules that denied the join.</param>
/// <param name="Unavailable">True when the decision was made by <see cref="SafeChatServerOptions.FailureMode"/> because the backend was down.</param>
public sealed record JoinModerationResult(bool Allowed, IReadOnlyList<string> RuleIds, bool Unavailable = false);
