using SafeChat.Policies;
using SafeChat.Scoring;

namespace SafeChat.Client;

/// <summary>The outcome of checking one message on the device.</summary>
public sealed class ClientCheck
{
    internal ClientCheck(MessageDirection direction, IReadOnlyList<Decision> decisions, IReadOnlyList<string> nudges, RiskAssessment assessment, IReadOnlyList<string> signals)
    {
        Direction = direction;
        Decisions = decisions;
        Nudges = nudges;
        Assessment = assessment;
        Signals = signals;
    }

    /// <summary>Whether the message was outgoing or incoming.</summary>
    public MessageDirection Direction { get; }

    /// <summary>Every decision, including shadow ones (which must not be enforced).</summary>
    public IReadOnlyList<Decision> Decisions { get; }

    /// <summary>Nudges to show the local user now (from enforced warn decisions aimed at them).</summary>
    public IReadOnlyList<string> Nudges { get; }

    /// <summary>The conversation's risk after this message.</summary>
    public RiskAssessment Assessment { get; }

    /// <summary>The signal names that fired on this message.</summary>
    public IReadOnlyList<string> Signals { get; }

    /// <summary>True when an enforced decision blocks the message or freezes the conversation.</summary>
    public bool IsBlocked => Has(PolicyAction.Block) || Has(PolicyAction.Freeze);

    /// <summary>True when an enforced decision holds the message for review.</summary>
    public bool IsHeld => Has(PolicyAction.Hold);

    /// <summary>True when the message may be delivered or shown now.</summary>
    public bool ShouldDeliver => !IsBlocked && !IsHeld;

    /// <summary>Enforced escalations (the host forwards them to its server).</summary>
    public IEnumerable<Decision> Escalations => Decisions.Where(d => !d.Shadow && d.Action == PolicyAction.Escalate);

    private bool Has(PolicyAction action) => Decisions.Any(d => !d.Shadow && d.Action == action);
}
