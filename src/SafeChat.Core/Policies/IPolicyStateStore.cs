namespace SafeChat.Policies;

/// <summary>
/// Stores the fire-once state of rules so a conversation does not flap: a rule fires when its condition becomes true,
/// then stays latched until the condition has cleared (risk below threshold minus the hysteresis margin) AND the
/// cooldown since it fired has passed. Implementations must be thread-safe, and <see cref="TryFireAsync"/> must be
/// atomic across nodes (for example a Redis Lua script or a compare-and-set), so only one caller wins a firing.
/// </summary>
public interface IPolicyStateStore
{
    /// <summary>
    /// Atomically fires the latch if it is armed: no state exists, or the state is cleared and
    /// <paramref name="now"/> minus the last firing is at least <paramref name="cooldown"/>. On success the latch records
    /// <paramref name="now"/> and becomes not cleared. Returns true when this call fired.
    /// </summary>
    ValueTask<bool> TryFireAsync(PolicyStateKey key, DateTimeOffset now, TimeSpan cooldown, CancellationToken cancellationToken = default);

    /// <summary>Records that the rule's condition has clearly ended for <paramref name="key"/>. A no-op when nothing has fired.</summary>
    ValueTask MarkClearedAsync(PolicyStateKey key, CancellationToken cancellationToken = default);
}
