namespace SafeChat.Policies;

/// <summary>What a rule asks the host to do. These names (kebab-case in files and output) are a public contract.</summary>
public enum PolicyAction
{
    /// <summary>Let the message or join through (explicit allow).</summary>
    Allow = 0,
    /// <summary>Show a nudge to the sender.</summary>
    WarnSender = 1,
    /// <summary>Show a nudge to the recipient(s).</summary>
    WarnRecipient = 2,
    /// <summary>Hold the message for review before delivery.</summary>
    Hold = 3,
    /// <summary>Do not deliver the message.</summary>
    Block = 4,
    /// <summary>Refuse to let a user join a room.</summary>
    DenyJoin = 5,
    /// <summary>Freeze the conversation: no more messages until a reviewer lifts it.</summary>
    Freeze = 6,
    /// <summary>Raise an escalation to the host's hooks (human review, authorities report).</summary>
    Escalate = 7,
    /// <summary>
    /// Hold the sender: from this message on, their messages in the conversation match <c>sender_held</c> conditions
    /// until a reviewer lifts the hold (<see cref="ISenderHoldStore.LiftHoldAsync"/>). Fire-once.
    /// </summary>
    HoldSender = 8,
}
