namespace SafeChat.Policies;

/// <summary>One decision of one rule.</summary>
/// <param name="RuleId">The rule's stable id.</param>
/// <param name="Action">What to do.</param>
public sealed record Decision(string RuleId, PolicyAction Action)
{
    /// <summary>The escalation severity, for <see cref="PolicyAction.Escalate"/>.</summary>
    public Severity? Severity { get; init; }

    /// <summary>True when the rule runs in shadow mode: recorded, never enforced.</summary>
    public bool Shadow { get; init; }

    /// <summary>A user-facing nudge, for warn actions. Never contains message text.</summary>
    public string? Nudge { get; init; }

    /// <summary>The user the decision is about: the sender of the message or the user asking to join.</summary>
    public string? SubjectUserId { get; init; }

    /// <summary>
    /// The recipients (or room members, for joins) that made the rule match. For <see cref="PolicyAction.WarnRecipient"/>
    /// these are the users to show the nudge to; for <see cref="PolicyAction.WarnSender"/> it is the sender.
    /// </summary>
    public IReadOnlyList<string> TargetUserIds { get; init; } = [];

    /// <summary>The harm the rule's risk condition looked at, when it has one.</summary>
    public string? Harm { get; init; }

    /// <summary>The risk value that made the rule match, when it has a risk condition.</summary>
    public float? Risk { get; init; }
}
