using SafeChat.Policies;

namespace SafeChat.Evidence;

/// <summary>Settings of an <see cref="EvidenceBuilder"/>.</summary>
public sealed class EvidenceOptions
{
    /// <summary>The "Internet Details" categories of the host's service. Default: <see cref="InternetDetailType.ChatIm"/>.</summary>
    public IList<InternetDetailType> InternetDetailTypes { get; } = [InternetDetailType.ChatIm];

    /// <summary>The host's service or game name, written into each internet detail.</summary>
    public string? ServiceName { get; set; }

    /// <summary>The lowest severity that sets <see cref="EvidenceBundle.EscalateToHighPriority"/>. Default <see cref="Severity.High"/>.</summary>
    public Severity HighPriorityFrom { get; set; } = Severity.High;

    /// <summary>Incident type per harm; harms not listed fall back to <see cref="CyberTipIncidentTypes.OnlineEnticement"/>.</summary>
    public IDictionary<string, string> IncidentTypeForHarm { get; } =
        new Dictionary<string, string>(CyberTipIncidentTypes.DefaultForHarm.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
}
