using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using SafeChat.Conversations;
using SafeChat.Server.Hubs;

namespace SafeChat.Samples.ChatServer;

/// <summary>The sample's rooms: kind and members, in memory. A real platform has its own room service.</summary>
internal sealed class ChatRooms
{
    private readonly object _gate = new();
    private readonly Dictionary<string, RoomState> _rooms = new(StringComparer.Ordinal);

    public Room? Find(string roomId)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(roomId, out var room) ? new Room(roomId, room.Kind) : null;
        }
    }

    public IReadOnlyList<Participant> Members(string roomId)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(roomId, out var room) ? [.. room.Members.Values.Select(m => m.Participant)] : [];
        }
    }

    public bool IsMember(string roomId, string userId)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(roomId, out var room) && room.Members.ContainsKey(userId);
        }
    }

    /// <summary>Adds a member (creating the room with <paramref name="kind"/> when it is new); returns the room's kind.</summary>
    public RoomKind Join(string roomId, RoomKind kind, Participant participant, string connectionId)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(roomId, out var room))
            {
                _rooms[roomId] = room = new RoomState(kind);
            }

            if (!room.Members.TryGetValue(participant.Id, out var member))
            {
                room.Members[participant.Id] = member = new Member(participant);
            }

            member.Connections.Add(connectionId);
            return room.Kind;
        }
    }

    /// <summary>Removes a connection from every room; users with no connection left leave; empty rooms close.</summary>
    public void Disconnect(string connectionId)
    {
        lock (_gate)
        {
            foreach (var (id, room) in _rooms.ToList())
            {
                foreach (var (userId, member) in room.Members.ToList())
                {
                    if (member.Connections.Remove(connectionId) && member.Connections.Count == 0)
                    {
                        room.Members.Remove(userId);
                    }
                }

                if (room.Members.Count == 0)
                {
                    _rooms.Remove(id);
                }
            }
        }
    }

    private sealed class RoomState(RoomKind kind)
    {
        public RoomKind Kind { get; } = kind;

        public Dictionary<string, Member> Members { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Member(Participant participant)
    {
        public Participant Participant { get; } = participant;

        public HashSet<string> Connections { get; } = [];
    }
}

/// <summary>Who is calling (from the chat page's query string: ?user=NAME&amp;age=YEARS, self-declared) and what a room is.</summary>
internal sealed class ChatHubResolver(ChatRooms rooms) : ISafeChatHubResolver
{
    public ValueTask<Participant?> ResolveCallerAsync(HubInvocationContext invocation, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Caller(invocation.Context));

    public ValueTask<Room?> ResolveRoomAsync(HubInvocationContext invocation, string roomId, CancellationToken cancellationToken)
    {
        // A join to a room that does not exist yet creates it with the kind the page asked for.
        var room = rooms.Find(roomId);
        if (room is null && invocation.HubMethodName == nameof(ChatHub.JoinRoom) && invocation.HubMethodArguments.Count > 1)
        {
            room = new Room(roomId, ChatHub.ParseKind(invocation.HubMethodArguments[1] as string));
        }

        return ValueTask.FromResult(room);
    }

    public ValueTask<IReadOnlyList<Participant>> ResolveMembersAsync(HubInvocationContext invocation, string roomId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(rooms.Members(roomId));

    public static Participant? Caller(HubCallerContext context)
    {
        var query = context.GetHttpContext()?.Request.Query;
        var user = query?["user"].ToString();
        if (string.IsNullOrWhiteSpace(user) || user.Length > 40)
        {
            return null;
        }

        int? age = int.TryParse(query!["age"], out var years) && years is >= 0 and <= 120 ? years : null;
        return new Participant(user, Participant.BandForAge(age), age is null ? AgeAssurance.Unknown : AgeAssurance.SelfDeclared) { DisplayName = user };
    }
}

/// <summary>Routes nudges to a user's connections by the page's user name.</summary>
internal sealed class QueryUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.GetHttpContext()?.Request.Query["user"];
}
