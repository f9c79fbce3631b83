using System.Globalization;
using System.Text.Json;
using SafeChat.Conversations;

namespace SafeChat.Testing;

/// <summary>
/// The scenarios the one-pipeline tests replay: the repository's demo conversations (samples/demo.jsonl, written by
/// this project) plus one conversation with a long pasted chat log, which is scored in several chunks and so checks that
/// per-chunk results survive every store.
/// </summary>
public static class Scenarios
{
    /// <summary>The repository root (the folder holding SafeChat.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "SafeChat.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("SafeChat.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The demo conversations and the pasted-log conversation.</summary>
    public static IReadOnlyList<ScenarioConversation> All() => [.. Demo(), PastedLog()];

    /// <summary>The demo conversations of samples/demo.jsonl.</summary>
    public static IReadOnlyList<ScenarioConversation> Demo()
    {
        var result = new List<ScenarioConversation>();
        foreach (var line in File.ReadLines(Path.Combine(RepositoryRoot, "samples", "demo.jsonl")))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var id = root.GetProperty("id").GetString()!;
            var participants = new List<Participant>();
            if (root.TryGetProperty("participants", out var people))
            {
                foreach (var p in people.EnumerateArray())
                {
                    int? age = p.TryGetProperty("age", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetInt32() : null;
                    // The demo's ages are facts of the scenario (as a dataset's are), so they count as verified.
                    participants.Add(new Participant(p.GetProperty("id").GetString()!, Participant.BandForAge(age), age is null ? AgeAssurance.Unknown : AgeAssurance.Verified));
                }
            }

            var messages = new List<ScenarioMessage>();
            var time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            foreach (var m in root.GetProperty("messages").EnumerateArray())
            {
                var author = m.GetProperty("author").GetString()!;
                if (m.TryGetProperty("time", out var t) && t.ValueKind == JsonValueKind.String)
                {
                    time = DateTimeOffset.Parse(t.GetString()!, CultureInfo.InvariantCulture);
                }
                else
                {
                    time = time.AddSeconds(1);
                }

                messages.Add(new ScenarioMessage(author, m.GetProperty("text").GetString() ?? string.Empty, time));
                if (participants.All(p => p.Id != author))
                {
                    participants.Add(new Participant(author));
                }
            }

            var kind = RoomKind.Group;
            if (root.TryGetProperty("room", out var room) && room.TryGetProperty("kind", out var k))
            {
                kind = Enum.Parse<RoomKind>(k.GetString()!, ignoreCase: true);
            }
            else if (participants.Count == 2)
            {
                kind = RoomKind.Direct;
            }

            result.Add(new ScenarioConversation(id, new Room("room-" + id, kind), participants, messages));
        }

        return result;
    }

    /// <summary>
    /// A direct chat in which one side pastes a long chat log (several scoring chunks, with a transcript score),
    /// written by this project for the test.
    /// </summary>
    public static ScenarioConversation PastedLog()
    {
        var log = string.Join(
            " ",
            Enumerable.Repeat(
                "hey how old are you. im 13. you seem really mature for your age. dont tell your parents we talk ok. " +
                "add me on snap so we can chat in private. send me a pic of you. are you home alone right now.",
                8));
        var start = new DateTimeOffset(2026, 1, 2, 18, 0, 0, TimeSpan.Zero);
        var messages = new List<ScenarioMessage>
        {
            new("mod_anna", "can you paste what he sent you?", start),
            new("reporter", log, start.AddSeconds(30)),
            new("mod_anna", "thanks, we are looking at it", start.AddSeconds(60)),
            new("reporter", "ok", start.AddSeconds(90)),
        };
        return new ScenarioConversation(
            "pasted-log",
            new Room("room-pasted-log", RoomKind.Direct),
            [new Participant("mod_anna", AgeBand.Adult, AgeAssurance.Verified), new Participant("reporter", AgeBand.Teen, AgeAssurance.Verified)],
            messages);
    }
}
