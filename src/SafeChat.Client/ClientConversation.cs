using SafeChat.Conversations;

namespace SafeChat.Client;

/// <summary>A conversation as the device sees it: the room, the local user and the other participants.</summary>
/// <param name="Room">The room.</param>
/// <param name="LocalUser">The user of this device.</param>
/// <param name="Others">The other participants.</param>
public sealed record ClientConversation(Room Room, Participant LocalUser, IReadOnlyList<Participant> Others)
{
    /// <summary>Ids of the other participants the local user is connected to (friends, contacts, family link).</summary>
    public IReadOnlyCollection<string> ConnectedUserIds { get; init; } = [];

    /// <summary>
    /// How the other participants are related to the local user, by their id, read from their side
    /// (<see cref="RelationshipKind.Guardian"/>: that participant is the local user's parent). A related participant counts
    /// as connected for the policy; relationships never lower a risk threshold.
    /// </summary>
    public IReadOnlyDictionary<string, Relationship> Relationships { get; init; } = new Dictionary<string, Relationship>();
}
