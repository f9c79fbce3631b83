using SafeChat.Escalation;

namespace SafeChat.Evidence;

/// <summary>Supplies the thread and participants for an escalation; the host owns message text, SafeChat does not.</summary>
public interface IEvidenceThreadSource
{
    /// <summary>The thread to preserve for <paramref name="escalation"/>, or null when the host has none.</summary>
    ValueTask<EvidenceThread?> GetThreadAsync(EscalationEvent escalation, CancellationToken cancellationToken = default);
}
