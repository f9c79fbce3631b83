namespace SafeChat.Conversations;

/// <summary>A user taking part in a conversation.</summary>
/// <param name="Id">The host's stable user id. Never logged by SafeChat.</param>
/// <param name="AgeBand">The participant's age band.</param>
/// <param name="AgeAssurance">How the age band is known.</param>
public sealed record Participant(string Id, AgeBand AgeBand = AgeBand.Unknown, AgeAssurance AgeAssurance = AgeAssurance.Unknown)
{
    /// <summary>A screen name for reports; optional.</summary>
    public string? DisplayName { get; init; }

    /// <summary>
    /// The weakest <see cref="Conversations.AgeAssurance"/> at which a minor band (child or teen) is believed as proof that
    /// the participant is <em>not</em> an adult: <see cref="AgeAssurance.Estimated"/>. A weaker minor claim (typed in, or
    /// given without any assurance) still protects the participant, but never exempts them from rules about adults.
    /// </summary>
    public const AgeAssurance MinorAgeTrustedFrom = AgeAssurance.Estimated;

    /// <summary>
    /// True when the participant's band is child or teen, whatever the assurance: the band they claim. Use
    /// <see cref="IsMinorForProtection"/> when deciding whom to protect and <see cref="MayBeAdult"/> when deciding who
    /// could be a threat; never use a minor claim alone to lower protection.
    /// </summary>
    public bool IsMinor => AgeBand is AgeBand.Child or AgeBand.Teen;

    /// <summary>
    /// True when the participant must be protected as a minor (as a recipient, a room member, a target): any child or
    /// teen band counts, even a self-declared one, because claiming to be a minor can only add protection.
    /// </summary>
    public bool IsMinorForProtection => IsMinor;

    /// <summary>
    /// True when the participant's age is assured, that is, estimated or verified (at least <see cref="MinorAgeTrustedFrom"/>).
    /// </summary>
    public bool IsAgeAssured => AgeAssurance >= MinorAgeTrustedFrom;

    /// <summary>
    /// True when the participant could be an adult, as far as SafeChat can tell: an adult or unknown band, or a minor band
    /// that is not assured (self-declared or without assurance). A sender, joiner or author for whom this is true still
    /// gets every rule about adult and unknown-age users, and the detector does not relax its grooming gate for them: a
    /// typed-in "14" from an adult must not switch protection off. Only an estimated or verified minor band is false here.
    /// </summary>
    public bool MayBeAdult => !IsMinor || !IsAgeAssured;

    /// <summary>
    /// True when the participant's claimed band is a minor one but <see cref="MayBeAdult"/> is still true: an unassured
    /// minor claim. Policy rules evaluate such a participant as their claimed band and as an unknown-age (or adult) one.
    /// </summary>
    public bool IsUnassuredMinor => IsMinor && !IsAgeAssured;

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
