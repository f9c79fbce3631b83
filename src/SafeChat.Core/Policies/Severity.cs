namespace SafeChat.Policies;

/// <summary>How urgent an escalation is.</summary>
public enum Severity
{
    /// <summary>Low.</summary>
    Low = 0,
    /// <summary>Medium.</summary>
    Medium = 1,
    /// <summary>High.</summary>
    High = 2,
    /// <summary>Critical: likely imminent harm to a child.</summary>
    Critical = 3,
}
