using SafeChat.Conversations;

namespace SafeChat.Samples.ChatServer;

/// <summary>
/// The sample platform's own message store: every message attempt with its text, its SafeChat outcome and the scores after
/// it. SafeChat keeps no text; the host does, and shows it only to moderators (see <see cref="ConsoleApi"/>). In memory,
/// bounded per room.
/// </summary>
internal sealed class ConversationLog
{
    private const int MaxPerRoom = 2_000;
    private readonly object _gate = new();
    private readonly Dictionary<string, List<LoggedMessage>> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Participant> _people = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _roomPeople = new(StringComparer.Ordinal);

    public void Add(LoggedMessage message, IEnumerable<Participant> people)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(message.RoomId, out var list))
            {
                _rooms[message.RoomId] = list = [];
            }

            if (list.Count >= MaxPerRoom)
            {
                list.RemoveAt(0);
            }

            list.Add(message);
            if (!_roomPeople.TryGetValue(message.RoomId, out var ids))
            {
                _roomPeople[message.RoomId] = ids = new HashSet<string>(StringComparer.Ordinal);
            }

            foreach (var person in people)
            {
                _people[person.Id] = person;
                ids.Add(person.Id);
            }
        }
    }

    public IReadOnlyList<LoggedMessage> Room(string roomId)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(roomId, out var list) ? [.. list] : [];
        }
    }

    /// <summary>Everyone seen in the room (senders and members at the time), as last known.</summary>
    public IReadOnlyList<Participant> RoomPeople(string roomId)
    {
        lock (_gate)
        {
            return _roomPeople.TryGetValue(roomId, out var ids) ? [.. ids.Select(id => _people[id])] : [];
        }
    }

    public Participant? Person(string userId)
    {
        lock (_gate)
        {
            return _people.TryGetValue(userId, out var person) ? person : null;
        }
    }
}
