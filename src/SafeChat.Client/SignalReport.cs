namespace SafeChat.Client;

/// <summary>
/// What leaves the device: signal names, risks, versions and decisions. It never holds message text, and never a raw
/// user id (the sender is hashed with the per-install salt, or left out).
/// </summary>
public sealed record SignalReport
{
    /// <summary>The conversation (room) id as the host gave it. Hosts should use opaque room ids.</summary>
    public required string ConversationId { get; init; }

    /// <summary>The sender id hashed with the per-install salt (hex), or null when omitted.</summary>
    public string? SenderIdHash { get; init; }

    /// <summary>Whether the message was outgoing or incoming.</summary>
    public MessageDirection Direction { get; init; }

    /// <summary>The message's position in the local window's conversation.</summary>
    public int MessageIndex { get; init; }

    /// <summary>When the report was made (from the client's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset ReportedAt { get; init; }

    /// <summary>The signal names that fired on this message.</summary>
    public IReadOnlyList<string> Signals { get; init; } = [];

    /// <summary>The conversation's risk per harm after this message.</summary>
    public IReadOnlyDictionary<string, float> Harms { get; init; } = new Dictionary<string, float>();

    /// <summary>The scorer's model version.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>The policy version.</summary>
    public string? PolicyVersion { get; init; }

    /// <summary>The decisions, without user ids or nudge text.</summary>
    public IReadOnlyList<ReportedDecision> Decisions { get; init; } = [];
}
