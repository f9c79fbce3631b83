namespace SafeChat.Server.Moderation;

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
