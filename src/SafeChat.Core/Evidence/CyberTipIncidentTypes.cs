using SafeChat.Scoring;

namespace SafeChat.Evidence;

/// <summary>CyberTipline incident type labels SafeChat's harms map to.</summary>
public static class CyberTipIncidentTypes
{
    /// <summary>Grooming and sextortion (NCMEC counts sextortion as a form of online enticement).</summary>
    public const string OnlineEnticement = "Online Enticement of Children for Sexual Acts";

    /// <summary>An adult sending sexual material to a child.</summary>
    public const string UnsolicitedObsceneMaterial = "Unsolicited Obscene Material Sent to a Child";

    /// <summary>Known child sexual abuse material: an image found on a known-image hash list.</summary>
    public const string ApparentChildPornography = "Apparent Child Pornography";

    /// <summary>Trafficking adverts or arrangements.</summary>
    public const string ChildSexTrafficking = "Child Sex Trafficking";

    /// <summary>
    /// The default incident type for a harm: grooming, sextortion and livestream coercion map to
    /// <see cref="OnlineEnticement"/>, trafficking to <see cref="ChildSexTrafficking"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DefaultForHarm { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [HarmNames.Grooming] = OnlineEnticement,
        [HarmNames.Sextortion] = OnlineEnticement,
        [HarmNames.Trafficking] = ChildSexTrafficking,
        [HarmNames.LivestreamCoercion] = OnlineEnticement,
    };
}
