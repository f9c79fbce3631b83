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
