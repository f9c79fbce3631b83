namespace SafeChat.Conversations;

/// <summary>A room (channel, DM, lobby) in which messages are exchanged.</summary>
/// <param name="Id">The host's room id.</param>
/// <param name="Kind">The room kind.</param>
public sealed record Room(string Id, RoomKind Kind);
