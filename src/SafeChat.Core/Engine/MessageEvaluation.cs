using SafeChat.Policies;
using SafeChat.Scoring;

namespace SafeChat.Engine;

/// <summary>What the engine concluded about one message.</summary>
public sealed class MessageEvaluation
{
    /// <summary>Creates an evaluation.</summary>
    public MessageEvaluation(
        int messageIndex,
        bool isDuplicate,
        RiskAssessment assessment,
        IReadOnlyList<string> signals,
        bool raisedAlert,
        int? firstAlertIndex,
        IReadOnlyList<Decision> decisions,
        UserCounters senderCounters)
    {
        MessageIndex = messageIndex;
        IsDuplicate = isDuplicate;
        Assessment = assessment ?? throw new ArgumentNullException(nameof(assessment));
        Signals = signals ?? throw new ArgumentNullException(nameof(signals));
        RaisedAlert = raisedAlert;
        FirstAlertIndex = firstAlertIndex;
        Decisions = decisions ?? throw new ArgumentNullException(nameof(decisions));
        SenderCounters = senderCounters ?? throw new ArgumentNullException(nameof(senderCounters));
    }

    /// <summary>The message's 0-based index in its conversation (for a duplicate, the index it first got).</summary>
    public int MessageIndex { get; }

    /// <summary>
    /// True when the message id had already been processed in this conversation: nothing was recorded again,
    /// no alert can be raised and the policy was not asked.
    /// </summary>
    public bool IsDuplicate { get; }

    /// <summary>The conversation's risk after this message (over the window).</summary>
    public RiskAssessment Assessment { get; }

    /// <summary>The signal names that fired on this message (probability at or above the engine's signal threshold).</summary>
    public IReadOnlyList<string> Signals { get; }

    /// <summary>True when this message raised the conversation's first alert.</summary>
    public bool RaisedAlert { get; }

    /// <summary>The index of the message that raised the conversation's first alert so far; null when none has.</summary>
    public int? FirstAlertIndex { get; }

    /// <summary>The policy's decisions for this message; empty without a policy.</summary>
    public IReadOnlyList<Decision> Decisions { get; }

    /// <summary>The sender's cross-conversation counters after this message.</summary>
    public UserCounters SenderCounters { get; }
}
