namespace SafeChat.Scoring;

/// <summary>The harms SafeChat scores. These strings are part of the public output contract.</summary>
public static class HarmNames
{
    /// <summary>An adult building trust with a child to sexually exploit them.</summary>
    public const string Grooming = "grooming";

    /// <summary>Threats to share sexual images unless the victim pays or sends more.</summary>
    public const string Sextortion = "sextortion";

    /// <summary>
    /// Trafficking and false-promise recruitment: job, modelling or travel offers, documents held, debts, recruiting
    /// friends, one adult recruiting several children.
    /// </summary>
    public const string Trafficking = "trafficking";

    /// <summary>Livestream coercion: camera commands and tips for acts directed at a (minor) streamer, by one viewer or several.</summary>
    public const string LivestreamCoercion = "livestream_coercion";

    /// <summary>
    /// Known child sexual abuse material: an image attachment on a host-supplied hash list. Not scored by a model (so not
    /// in <see cref="All"/>): the image matcher reports it, and it is also the signal and rule feature name.
    /// </summary>
    public const string KnownCsamMatch = "known_csam_match";

    /// <summary>All harms, in output order.</summary>
    public static IReadOnlyList<string> All { get; } = [Grooming, Sextortion, Trafficking, LivestreamCoercion];
}
