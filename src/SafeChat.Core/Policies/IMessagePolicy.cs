namespace SafeChat.Policies;

/// <summary>
/// Turns what the engine knows about a message (or a join) into decisions. The engine calls it once per message,
/// after scoring. Implementations must be thread-safe.
/// </summary>
public interface IMessagePolicy
{
    /// <summary>A version string recorded with every decision and escalation (policy id plus content hash).</summary>
    string Version { get; }

    /// <summary>Decides what to do with one message.</summary>
    ValueTask<IReadOnlyList<Decision>> EvaluateMessageAsync(MessageContext context, CancellationToken cancellationToken = default);

    /// <summary>Decides whether a user may join a room.</summary>
    ValueTask<IReadOnlyList<Decision>> EvaluateJoinAsync(JoinContext context, CancellationToken cancellationToken = default);
}
