namespace SafeChat.Server.Moderation;

/// <summary>The body of an appeal request.</summary>
public sealed record AppealRequest
{
    /// <summary>Why the escalation is wrong.</summary>
    public string? Reason { get; init; }
}
