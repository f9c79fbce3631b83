using SafeChat.Conversations;

namespace SafeChat.Evidence;

/// <summary>The reported user as the host knows them.</summary>
public sealed record ReportedUser
{
    /// <summary>The platform's user id.</summary>
    public string PlatformUserId { get; init; } = string.Empty;

    /// <summary>The screen name, when the host supplied one.</summary>
    public string? ScreenName { get; init; }

    /// <summary>The reported user's age band, where known.</summary>
    public AgeBand AgeBand { get; init; }

    /// <summary>How that age band is known.</summary>
    public AgeAssurance AgeAssurance { get; init; }
}
