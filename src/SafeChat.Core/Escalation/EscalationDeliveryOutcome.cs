namespace SafeChat.Escalation;

/// <summary>What happened to one delivery attempt of an escalation to one handler.</summary>
public enum EscalationDeliveryOutcome
{
    /// <summary>The handler completed: this handler never gets this escalation again.</summary>
    Delivered = 0,

    /// <summary>The handler failed; the escalation is tried again at <see cref="EscalationDeliveryResult.NextAttemptAt"/>.</summary>
    Retry = 1,

    /// <summary>Given up (a permanent failure or too many attempts); kept as a dead letter.</summary>
    DeadLettered = 2,
}
