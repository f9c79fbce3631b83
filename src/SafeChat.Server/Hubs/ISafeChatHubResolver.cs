using Microsoft.AspNetCore.SignalR;
using SafeChat.Conversations;

namespace SafeChat.Server.Hubs;

/// <summary>
/// The host's answers the hub filter needs: who is calling (with an age band), what kind of room a room id is, and who
/// is in it. Register one implementation in DI; it is resolved from the invocation's scope, so it may be scoped.
/// Connections between users come from an optional <see cref="IConnectionDirectory"/> in DI.
/// </summary>
public interface ISafeChatHubResolver
{
    /// <summary>The calling user, or null when the caller is unknown (the call is then refused).</summary>
    /// <param name="invocation">The hub invocation (connection, user, arguments).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<Participant?> ResolveCallerAsync(HubInvocationContext invocation, CancellationToken cancellationToken);

    /// <summary>
    /// The room, or null when it does not exist (the call is then refused). For a join to a room the method will create,
    /// return the room as it will be.
    /// </summary>
    /// <param name="invocation">The hub invocation.</param>
    /// <param name="roomId">The room id taken from the method's arguments.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<Room?> ResolveRoomAsync(HubInvocationContext invocation, string roomId, CancellationToken cancellationToken);

    /// <summary>The room's current members (the caller may be listed; the filter leaves them out of recipients).</summary>
    /// <param name="invocation">The hub invocation.</param>
    /// <param name="roomId">The room id taken from the method's arguments.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<IReadOnlyList<Participant>> ResolveMembersAsync(HubInvocationContext invocation, string roomId, CancellationToken cancellationToken);
}
