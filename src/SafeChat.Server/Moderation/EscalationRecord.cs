using SafeChat.Escalation;

namespace SafeChat.Server.Moderation;

/// <summary>Where an escalation stands in human review.</summary>
public enum EscalationStatus
{
    /// <summary>Raised, not reviewed yet.</summary>
    Open = 0,
    /// <summary>A reviewer confirmed it.</summary>
    Confirmed = 1,
    /// <summary>A reviewer marked it a false positive.</summary>
    FalsePositive = 2,
    /// <summary>The subject appealed a confirmed escalation; it waits for a second review.</summary>
    Appealed = 3,
}

/// <summary>A reviewer's verdict.</summary>
public enum ReviewOutcome
{
    /// <summary>The escalation was right.</summary>
    Confirmed = 1,
    /// <summary>The escalation was wrong.</summary>
    FalsePositive = 2,
}

/// <summary>A reviewer's decision on an escalation.</summary>
/// <param name="Outcome">Confirmed or false positive.</param>
/// <param name="Reviewer">Who reviewed it (the authenticated reviewer's name).</param>
/// <param name="Note">An optional note; must not contain message text the reviewer did not intend to keep.</param>
/// <param name="At">When the decision was recorded.</param>
public sealed record EscalationReview(ReviewOutcome Outcome, string Reviewer, string? Note, DateTimeOffset At);

/// <summary>An appeal against a confirmed escalation.</summary>
/// <param name="AppealedBy">Who appealed (the authenticated user's name).</param>
/// <param name="Reason">Why.</param>
/// <param name="At">When the appeal was recorded.</param>
public sealed record EscalationAppeal(string AppealedBy, string Reason, DateTimeOffset At);

/// <summary>An escalation in the moderation queue, with its review state.</summary>
/// <param name="Escalation">The escalation as raised (ids, scores, signals; never text).</param>
/// <param name="Status">The review status.</param>
public sealed record EscalationRecord(EscalationEvent Escalation, EscalationStatus Status)
{
    /// <summary>The record's id: the escalation's idempotency key.</summary>
    public string Id => Escalation.IdempotencyKey;

    /// <summary>The latest reviewer decision, if any.</summary>
    public EscalationReview? Review { get; init; }

    /// <summary>The appeal, if any.</summary>
    public EscalationAppeal? Appeal { get; init; }
}

/// <summary>The outcome of a change to a record in the <see cref="IEscalationQueue"/>.</summary>
public enum EscalationUpdateResult
{
    /// <summary>The change was recorded.</summary>
    Updated = 0,
    /// <summary>No escalation has that id.</summary>
    NotFound = 1,
    /// <summary>The escalation's status does not allow that change (for example appealing an open escalation).</summary>
    Conflict = 2,
}
