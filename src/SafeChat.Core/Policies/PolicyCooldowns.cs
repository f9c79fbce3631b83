namespace SafeChat.Policies;

/// <summary>Default cooldowns for rules that do not set their own.</summary>
/// <param name="Escalate">For rules that escalate (default 24 hours).</param>
/// <param name="Freeze">For rules that freeze a conversation (default 24 hours).</param>
/// <param name="Warn">For rules that only nudge (default 10 minutes).</param>
public sealed record PolicyCooldowns(TimeSpan Escalate, TimeSpan Freeze, TimeSpan Warn)
{
    /// <summary>24 h for escalate and freeze, 10 min for nudges.</summary>
    public static PolicyCooldowns Default { get; } = new(TimeSpan.FromHours(24), TimeSpan.FromHours(24), TimeSpan.FromMinutes(10));
}
