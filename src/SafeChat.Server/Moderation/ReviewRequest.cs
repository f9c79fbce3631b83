namespace SafeChat.Server.Moderation;

/// <summary>The body of a review request.</summary>
public sealed record ReviewRequest
{
    /// <summary>confirmed or false_positive.</summary>
    public string? Outcome { get; init; }
    /// <summary>An optional note.</summary>
    public string? Note { get; init; }
}
