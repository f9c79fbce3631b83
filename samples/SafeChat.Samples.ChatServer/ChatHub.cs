using Microsoft.AspNetCore.SignalR;
using SafeChat.Conversations;
using SafeChat.Server.Hubs;

namespace SafeChat.Samples.ChatServer;

/// <summary>
/// The sample's chat hub. SafeChat's hub filter runs before the marked methods: a refused join or an undelivered
/// message never reaches them, and the page receives a "safechat:..." error it shows as a notice.
/// </summary>
internal sealed class ChatHub(ChatRooms rooms) : Hub
{
    /// <summary>Joins (or creates) a room; <paramref name="kind"/> is used only when the room is new.</summary>
    [SafeChatJoin]
    public async Task<object> JoinRoom(string roomId, string kind)
    {
        var me = Me();
        var roomKind = rooms.Join(roomId, ParseKind(kind), me, Context.ConnectionId);
        await Groups.AddToGroupAsync(Context.ConnectionId, roomId);
        await Clients.OthersInGroup(roomId).SendAsync("joined", new { roomId, user = me.Id });
        return new { roomId, kind = roomKind.ToString().ToLowerInvariant(), members = rooms.Members(roomId).Select(m => m.Id) };
    }

    /// <summary>Sends a message to a room the caller has joined.</summary>
    [SafeChatMessage]
    public async Task SendMessage(string roomId, string text)
    {
        var me = Me();
        if (!rooms.IsMember(roomId, me.Id))
        {
            throw new HubException("Join the room before sending messages.");
        }

        await Clients.Group(roomId).SendAsync("message", new { roomId, user = me.Id, text });
    }

    /// <summary>
    /// Sends an image (with an optional caption) to a room the caller has joined. The hub filter matches it against the
    /// known-image hash lists first; the bytes are relayed only when the message may be delivered, and never stored.
    /// </summary>
    [SafeChatMessage]
    public async Task SendImage(string roomId, string text, byte[] image)
    {
        var me = Me();
        if (!rooms.IsMember(roomId, me.Id))
        {
            throw new HubException("Join the room before sending messages.");
        }

        await Clients.Group(roomId).SendAsync("image", new { roomId, user = me.Id, text, image });
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        rooms.Disconnect(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    internal static RoomKind ParseKind(string? kind) => kind?.ToLowerInvariant() switch
    {
        "private" => RoomKind.Private,
        "group" => RoomKind.Group,
        "direct" => RoomKind.Direct,
        _ => RoomKind.Public,
    };

    private Participant Me() => ChatHubResolver.Caller(Context) ?? throw new HubException("Sign in with a name first.");
}
