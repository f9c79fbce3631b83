namespace SafeChat.Server.Moderation;

/// <summary>A reviewer's verdict.</summary>
public enum ReviewOutcome
{
    /// <summary>The escalation was right.</summary>
    Confirmed = 1,
    /// <summary>The escalation was wrong.</summary>
    FalsePositive = 2,
}
