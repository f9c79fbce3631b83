namespace SafeChat.Policies;

/// <summary>
/// A policy that can also decide without its shared state, for when that state (for example Redis) is unavailable:
/// the rules that need no stored state (ages, rooms, connections, message features) still give their enforcement
/// decisions (allow, hold, block, deny-join), while fire-once actions (nudges, freezes, escalations), which need the
/// latch store, are left out. <see cref="PolicyEngine"/> implements it. Hosts call it on their fail-open path so that
/// a backend outage degrades only the stateful parts.
/// </summary>
public interface IStatelessMessagePolicy
{
    /// <summary>Evaluates a message with only the stateless parts of the policy; never touches the state store.</summary>
    /// <param name="context">The message; risk, signals and counters are typically empty on this path.</param>
    /// <returns>The enforcement decisions (no fire-once actions).</returns>
    IReadOnlyList<Decision> EvaluateMessageWithoutState(MessageContext context);

    /// <summary>Evaluates a join with only the stateless parts of the policy; never touches the state store.</summary>
    /// <param name="context">The join.</param>
    /// <returns>The enforcement decisions (no fire-once actions).</returns>
    IReadOnlyList<Decision> EvaluateJoinWithoutState(JoinContext context);
}
