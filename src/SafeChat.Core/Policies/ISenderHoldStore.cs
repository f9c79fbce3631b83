namespace SafeChat.Policies;

/// <summary>
/// Where the policy keeps the holds placed by <c>hold-sender</c> actions: while a hold stands, the sender's messages in
/// that conversation match <c>sender_held</c> conditions (in the presets: held before delivery to a minor) until a
/// reviewer lifts it. A policy state store implements it next to its latches (<see cref="InMemoryPolicyStateStore"/>,
/// the server's Redis store). Holds are never evicted: losing one would deliver an offender's messages. Thread-safe.
/// </summary>
public interface ISenderHoldStore
{
    /// <summary>Places (or keeps) a hold on <paramref name="userId"/> in <paramref name="conversationId"/>; the first placement is kept.</summary>
    ValueTask PlaceHoldAsync(string conversationId, string userId, SenderHold hold, CancellationToken cancellationToken = default);

    /// <summary>The hold on <paramref name="userId"/> in <paramref name="conversationId"/>, or null.</summary>
    ValueTask<SenderHold?> GetHoldAsync(string conversationId, string userId, CancellationToken cancellationToken = default);

    /// <summary>Lifts the hold (a reviewer decided); returns true when there was one.</summary>
    ValueTask<bool> LiftHoldAsync(string conversationId, string userId, CancellationToken cancellationToken = default);
}
