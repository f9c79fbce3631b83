namespace SafeChat.Scoring;

/// <summary>The signals that explain a risk. These strings are part of the public output contract.</summary>
public static class SignalNames
{
    /// <summary>Grooming: probing the other person's age ("asl", "how old r u").</summary>
    public const string AgeProbe = "age_probe";
    /// <summary>Grooming: flattery and maturity talk ("ur so mature for ur age").</summary>
    public const string Flattery = "flattery";
    /// <summary>Grooming: gifts and currency offers (robux, gift cards, paying a phone bill).</summary>
    public const string Gifts = "gifts";
    /// <summary>Grooming: risk assessment (parents home, alone, door closed, phone checked).</summary>
    public const string RiskCheck = "risk_check";
    /// <summary>Grooming: secrecy ("dont tell anyone", "delete these").</summary>
    public const string Secrecy = "secrecy";
    /// <summary>Grooming: moving off-platform or to a private space ("add me on snap").</summary>
    public const string OffPlatform = "off_platform";
    /// <summary>Grooming: image or camera requests.</summary>
    public const string ImageRequest = "image_request";
    /// <summary>Grooming: sexual talk or questions.</summary>
    public const string Sexual = "sexual";
    /// <summary>Grooming: meeting, address, school or travel requests.</summary>
    public const string Meeting = "meeting";
    /// <summary>Sextortion: claims to hold images or recordings.</summary>
    public const string ImageClaim = "image_claim";
    /// <summary>Sextortion: a threat naming an audience (followers, family, school).</summary>
    public const string ThreatAudience = "threat_audience";
    /// <summary>Sextortion: a payment demand (gift cards, crypto, Cash App).</summary>
    public const string PaymentDemand = "payment_demand";
    /// <summary>Sextortion: a deadline or time pressure.</summary>
    public const string Deadline = "deadline";
    /// <summary>Trafficking: a job, modelling, "brand ambassador" or scouting offer (often too good to be true).</summary>
    public const string JobOffer = "job_offer";
    /// <summary>Trafficking: arranging travel (tickets, a ride, a flight, a place to stay, "no parents on set").</summary>
    public const string TravelArrangement = "travel_arrangement";
    /// <summary>Trafficking: documents held or a debt to work off ("we keep your passport until the debt is paid").</summary>
    public const string DocumentsDebt = "documents_debt";
    /// <summary>Trafficking: recruiting friends or other children ("bring your friends, there are spots for 3 more").</summary>
    public const string RecruitPeers = "recruit_peers";
    /// <summary>Livestream coercion: camera or body commands to a streamer ("turn around slowly", "keep the cam low").</summary>
    public const string CameraCommand = "camera_command";
    /// <summary>Livestream coercion: tips, gifts or tokens offered or paid for an act on camera ("100 tokens if you ...").</summary>
    public const string TipForAct = "tip_for_act";

    /// <summary>
    /// An image attachment matched a known-image hash list (reported by the image matcher, not the model, so not in
    /// <see cref="All"/>).
    /// </summary>
    public const string KnownCsamMatch = HarmNames.KnownCsamMatch;

    /// <summary>Grooming signals, in canonical order.</summary>
    public static IReadOnlyList<string> Grooming { get; } =
        [AgeProbe, Flattery, Gifts, RiskCheck, Secrecy, OffPlatform, ImageRequest, Sexual, Meeting];

    /// <summary>Sextortion signals, in canonical order.</summary>
    public static IReadOnlyList<string> Sextortion { get; } = [ImageClaim, ThreatAudience, PaymentDemand, Deadline];

    /// <summary>Trafficking and false-promise recruitment signals, in canonical order.</summary>
    public static IReadOnlyList<string> Trafficking { get; } = [JobOffer, TravelArrangement, DocumentsDebt, RecruitPeers];

    /// <summary>Livestream coercion signals, in canonical order.</summary>
    public static IReadOnlyList<string> LivestreamCoercion { get; } = [CameraCommand, TipForAct];

    /// <summary>All signals in canonical order: grooming, sextortion, trafficking, livestream coercion (the order of <see cref="HarmNames.All"/>).</summary>
    public static IReadOnlyList<string> All { get; } = [.. Grooming, .. Sextortion, .. Trafficking, .. LivestreamCoercion];

    /// <summary>The signals of <paramref name="harm"/> (a <see cref="HarmNames"/> value), in canonical order; empty for an unknown harm.</summary>
    public static IReadOnlyList<string> Of(string harm) => harm switch
    {
        HarmNames.Grooming => Grooming,
        HarmNames.Sextortion => Sextortion,
        HarmNames.Trafficking => Trafficking,
        HarmNames.LivestreamCoercion => LivestreamCoercion,
        _ => [],
    };

    /// <summary>The harm a signal belongs to, or null for an unknown signal.</summary>
    public static string? HarmOf(string signal)
    {
        foreach (var harm in HarmNames.All)
        {
            if (Of(harm).Contains(signal))
            {
                return harm;
            }
        }

        return null;
    }
}
