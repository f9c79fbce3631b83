using SafeChat.Conversations;

namespace SafeChat.Evidence;

/// <summary>The victim, minimised: no name, no id, no exact age.</summary>
public sealed record VictimInfo
{
    /// <summary>The age band.</summary>
    public AgeBand AgeBand { get; init; }

    /// <summary>How the age band is known.</summary>
    public AgeAssurance AgeAssurance { get; init; }
}
