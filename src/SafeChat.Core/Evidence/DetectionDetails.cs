using SafeChat.Policies;

namespace SafeChat.Evidence;

/// <summary>What SafeChat detected and which versions decided it.</summary>
public sealed record DetectionDetails
{
    /// <summary>The rule that escalated.</summary>
    public string RuleId { get; init; } = string.Empty;

    /// <summary>The escalation severity.</summary>
    public Severity Severity { get; init; }

    /// <summary>True when a shadow-mode rule raised it.</summary>
    public bool Shadow { get; init; }

    /// <summary>The index of the triggering message in the conversation.</summary>
    public int MessageIndex { get; init; }

    /// <summary>Risk per harm, keys in ordinal order.</summary>
    public IReadOnlyDictionary<string, float> Harms { get; init; } = new Dictionary<string, float>();

    /// <summary>The signals that fired.</summary>
    public IReadOnlyList<string> Signals { get; init; } = [];

    /// <summary>The model version.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>The policy version.</summary>
    public string? PolicyVersion { get; init; }
}
