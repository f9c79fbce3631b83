namespace SafeChat.Webhooks;

/// <summary>Delivery counts per status.</summary>
/// <param name="Pending">Pending deliveries.</param>
/// <param name="Delivered">Delivered deliveries not yet purged.</param>
/// <param name="DeadLettered">Dead-lettered deliveries not yet purged.</param>
public readonly record struct OutboxCounts(int Pending, int Delivered, int DeadLettered);
