namespace SafeChat.Retention;

/// <summary>
/// How long SafeChat's own stores keep what they hold. Two clocks: evidence on preservation hold (the US REPORT Act asks
/// for one year), and everything else expiring (COPPA 2025 bans indefinite retention). Undelivered outbox rows never
/// expire: an escalation is not dropped by retention.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>How long a delivered webhook outbox row is kept after delivery. Default 30 days.</summary>
    public TimeSpan DeliveredOutboxRows { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long other escalation records (dead-lettered outbox rows) are kept after they end. Default 90 days.</summary>
    public TimeSpan EscalationRecords { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The default preservation hold of a new evidence entry. Default 365 days.</summary>
    public TimeSpan EvidenceHold { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Positive(DeliveredOutboxRows, nameof(DeliveredOutboxRows));
        Positive(EscalationRecords, nameof(EscalationRecords));
        Positive(EvidenceHold, nameof(EvidenceHold));
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, $"RetentionOptions.{name} must be positive.");
        }
    }
}
