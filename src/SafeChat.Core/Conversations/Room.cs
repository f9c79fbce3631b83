namespace SafeChat.Conversations;

/// <summary>What kind of room a conversation happens in.</summary>
public enum RoomKind
{
    /// <summary>Anyone can read and join.</summary>
    Public = 0,
    /// <summary>A group the members were added to.</summary>
    Group = 1,
    /// <summary>A private room that needs an invitation.</summary>
    Private = 2,
    /// <summary>A one-to-one direct message.</summary>
    Direct = 3,
}

/// <summary>A room (channel, DM, lobby) in which messages are exchanged.</summary>
/// <param name="Id">The host's room id.</param>
/// <param name="Kind">The room kind.</param>
public sealed record Room(string Id, RoomKind Kind);
