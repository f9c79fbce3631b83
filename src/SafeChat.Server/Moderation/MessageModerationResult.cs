using SafeChat.Engine;
using SafeChat.Policies;

namespace SafeChat.Server.Moderation;

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
