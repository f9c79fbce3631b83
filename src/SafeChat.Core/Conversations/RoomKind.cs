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
    /// <summary>A livestream's chat: one host (the streamer) and any number of viewers.</summary>
    Livestream = 4,
}
