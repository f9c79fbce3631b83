using System.Globalization;
using SafeChat.Conversations;
using SafeChat.Engine;

namespace SafeChat.Benchmarks.Engine;

/// <summary>Game-chat-like traffic for the engine benchmarks: short messages, about 4 per conversation, 2-3 people.</summary>
public static class GameChat
{
    public static readonly string[] Lines =
    [
        "gg that was close lol", "mid or feed", "ez 500", "space created hah", "report this noob", "how old r u btw",
        "nice ulti", "bye", "wp", "add me on snap its easier", "dont tell anyone about us ok", "push top now",
        "u have 1 hour", "mom can u pick me up at 5", "did u finish the math homework", "send me a pic of ur outfit",
    ];

    /// <summary>
    /// <paramref name="conversations"/> conversations of <paramref name="perConversation"/> messages each, interleaved
    /// the way a server sees them (message 0 of every conversation, then message 1, ...).
    /// </summary>
    public static MessageEnvelope[] Envelopes(int conversations, int perConversation, string prefix = "room")
    {
        var envelopes = new MessageEnvelope[conversations * perConversation];
        var rooms = new (Room Room, Participant[] People)[conversations];
        for (int c = 0; c < conversations; c++)
        {
            var id = prefix + "-" + c.ToString(CultureInfo.InvariantCulture);
            rooms[c] = (new Room(id, RoomKind.Group), [
                new Participant("p" + (c % 997).ToString(CultureInfo.InvariantCulture), AgeBand.Unknown),
                new Participant("q" + (c % 991).ToString(CultureInfo.InvariantCulture), AgeBand.Teen),
                new Participant("r" + (c % 983).ToString(CultureInfo.InvariantCulture), AgeBand.Adult),
            ]);
        }

        int at = 0;
        for (int m = 0; m < perConversation; m++)
        {
            for (int c = 0; c < conversations; c++)
            {
                var (room, people) = rooms[c];
                var sender = people[(m + c) % people.Length];
                envelopes[at++] = new MessageEnvelope(
                    new ChatMessage(m.ToString(CultureInfo.InvariantCulture), room.Id, sender.Id, Lines[(m * 7 + c) % Lines.Length], DateTimeOffset.UnixEpoch.AddSeconds(m)),
                    room,
                    sender,
                    people.Where(p => p != sender).ToArray());
            }
        }

        return envelopes;
    }
}
