namespace SafeChat.Escalation;

/// <summary>An escalation waiting to be delivered to one handler.</summary>
/// <param name="Escalation">The escalation as it was accepted.</param>
/// <param name="Attempts">Delivery attempts already made for this handler (0 for a new one).</param>
public sealed record PendingEscalation(EscalationEvent Escalation, int Attempts);
