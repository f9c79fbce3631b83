namespace SafeChat.Conversations;

/// <summary>How old a participant is, in the bands that child-safety rules use.</summary>
public enum AgeBand
{
    /// <summary>The host does not know the participant's age.</summary>
    Unknown = 0,
    /// <summary>Under 13.</summary>
    Child = 1,
    /// <summary>13 to 17.</summary>
    Teen = 2,
    /// <summary>18 or older.</summary>
    Adult = 3,
}

/// <summary>How the host came to know a participant's age.</summary>
public enum AgeAssurance
{
    /// <summary>No age information at all.</summary>
    Unknown = 0,
    /// <summary>The user typed it in. Ofcom does not count this as highly effective age assurance.</summary>
    SelfDeclared = 1,
    /// <summary>Estimated by a model or by behaviour.</summary>
    Estimated = 2,
    /// <summary>Verified (ID, payment card, trusted third party).</summary>
    Verified = 3,
}

/// <summary>A user taking part in a conversation.</summary>
/// <param name="Id">The host's stable user id. Never logged by SafeChat.</param>
/// <param name="AgeBand">The participant's age band.</param>
/// <param name="AgeAssurance">How the age band is known.</param>
public sealed record Participant(string Id, AgeBand AgeBand = AgeBand.Unknown, AgeAssurance AgeAssurance = AgeAssurance.Unknown)
{
    /// <summary>A screen name for reports; optional.</summary>
    public string? DisplayName { get; init; }

    /// <summary>True when the participant is known to be under 18.</summary>
    public bool IsMinor => AgeBand is AgeBand.Child or AgeBand.Teen;

    /// <summary>Maps an age in years to its band.</summary>
    public static AgeBand BandForAge(int? ageInYears) => ageInYears switch
    {
        null => AgeBand.Unknown,
        < 0 => AgeBand.Unknown,
        < 13 => AgeBand.Child,
        < 18 => AgeBand.Teen,
        _ => AgeBand.Adult,
    };
}
