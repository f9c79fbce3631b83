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

    /// <summary>All signals, grooming first, in canonical order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Grooming, .. Sextortion];

    /// <summary>The harm a signal belongs to, or null for an unknown signal.</summary>
    public static string? HarmOf(string signal) =>
        Grooming.Contains(signal) ? HarmNames.Grooming : Sextortion.Contains(signal) ? HarmNames.Sextortion : null;
}
