using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using SafeChat.Conversations;

namespace SafeChat.Cli;

/// <summary>A message of an input conversation (a value: a line's messages are one array, not an object each).</summary>
internal readonly record struct InputMessage(string Author, string Text, DateTimeOffset Time);

/// <summary>A conversation read from one JSONL line.</summary>
internal sealed record InputConversation(
    string Id,
    RoomKind RoomKind,
    IReadOnlyDictionary<string, Participant> Participants,
    IReadOnlyList<InputMessage> Messages)
{
    /// <summary>
    /// The first message time that cannot be replayed as the engine's clock (unreadable, or earlier than the message
    /// before it), as "messages[i].time: reason"; null when every time is usable (missing times count as one second
    /// after the previous message). <c>safechat score</c> refuses such a line when it replays message times.
    /// </summary>
    public string? TimeIssue { get; init; }

    /// <summary>How each user is related to others: sender id, then recipient id (both directions stored).</summary>
    public IReadOnlyDictionary<string, Dictionary<string, Relationship>> Relationships { get; init; } = NoRelationships;

    // The default for a line without relationships (nearly every line): one shared empty map, read only.
    private static readonly IReadOnlyDictionary<string, Dictionary<string, Relationship>> NoRelationships =
        new Dictionary<string, Dictionary<string, Relationship>>(StringComparer.Ordinal);
}

/// <summary>
/// Reads one conversation line: <c>{"id","messages":[{"author","time","text"}],"participants"?,"room"?}</c>; other fields
/// are ignored. A line is invalid when it is not UTF-8 or JSON, lacks <c>id</c> or <c>messages</c>, has a value of the
/// wrong type, a key that appears twice in an object the parser reads (top level, a message, a participant, the room), a
/// participant listed twice, a string it reads with a lone-surrogate escape, or a time out of range. Everything else is
/// read leniently. Errors name a byte offset (syntax) or a field path, and never contain text from string values.
/// </summary>
internal static partial class ConversationParser
{
    /// <summary>The earliest time accepted in <c>messages[].time</c>.</summary>
    public static readonly DateTimeOffset MinTime = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The first time no longer accepted in <c>messages[].time</c>.</summary>
    public static readonly DateTimeOffset MaxTime = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const int MaxReasonLength = 160;
    private static readonly DateTimeOffset Epoch = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    [ThreadStatic]
    private static LineReader? t_reader;

    public static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Reads one line. Well-formed lines are read in one forward pass (<see cref="StreamingReader"/>); a line that pass
    /// does not take as it is (any problem, or a rarely used part) is read again by <see cref="TryParseDocument"/>, which
    /// gives the same conversation or names the problem. So the results and errors are those of the document reader.
    /// </summary>
    public static bool TryParse(ReadOnlyMemory<byte> line, out InputConversation? conversation, out string? error)
    {
        if (Utf8.IsValid(line.Span) && (t_streaming ??= new StreamingReader()).TryRead(line.Span) is { } read)
        {
            conversation = read;
            error = null;
            return true;
        }

        return TryParseDocument(line, out conversation, out error);
    }

    /// <summary>Reads one line through a <see cref="JsonDocument"/>: the reference reader, and the one that reports errors.</summary>
    internal static bool TryParseDocument(ReadOnlyMemory<byte> line, out InputConversation? conversation, out string? error)
    {
        conversation = null;
        if (!Utf8.IsValid(line.Span))
        {
            error = $"invalid UTF-8 at byte {FirstInvalidUtf8Byte(line.Span)}";
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, DocumentOptions);
        }
        catch (JsonException ex)
        {
            error = $"invalid JSON at byte {ex.BytePositionInLine ?? 0}: {JsonReason(ex.Message)}";
            return false;
        }

        using (document)
        {
            var reader = t_reader ??= new LineReader();
            reader.Reset();
            conversation = reader.Read(document.RootElement);
            error = reader.Error;
            reader.Reset();
            return conversation is not null;
        }
    }

    /// <summary>
    /// The reason of a System.Text.Json syntax error without any input text: the reader quotes the offending token
    /// (for an invalid literal, the rest of the line) at the start of its message; that quote becomes "the character"
    /// or "the token", and the position suffix is dropped (the byte offset is reported separately).
    /// </summary>
    internal static string JsonReason(string message)
    {
        var suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var reason = (suffix > 0 ? message[..suffix] : message).TrimEnd('.', ' ');
        if (reason.StartsWith('\''))
        {
            var end = reason.LastIndexOf("' is ", StringComparison.Ordinal);
            if (end <= 0)
            {
                end = reason.LastIndexOf("' was ", StringComparison.Ordinal);
            }

            if (end > 0)
            {
                var quoted = end - 1;
                reason = (quoted is 1 || (quoted == 4 && reason[1] == '0' && reason[2] == 'x') ? "the character" : "the token") + reason[(end + 1)..];
            }
            else
            {
                reason = "malformed JSON";
            }
        }

        return reason.Length > MaxReasonLength ? reason[..MaxReasonLength] + "…" : reason;
    }

    /// <summary>The room kind a <c>room.kind</c> text names, or <paramref name="fallback"/> for any other text.</summary>
    private static RoomKind RoomKindOf(string text, RoomKind fallback) => text.ToUpperInvariant() switch
    {
        "PUBLIC" => RoomKind.Public,
        "GROUP" => RoomKind.Group,
        "PRIVATE" => RoomKind.Private,
        "DIRECT" or "DM" => RoomKind.Direct,
        "LIVESTREAM" or "STREAM" or "LIVE" => RoomKind.Livestream,
        _ => fallback,
    };

    /// <summary>The author id given to messages whose author is missing, null or empty.</summary>
    public const string UnknownAuthor = "unknown";

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static int FirstInvalidUtf8Byte(ReadOnlySpan<byte> bytes)
    {
        var position = 0;
        while (position < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[position..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return position;
            }

            position += consumed;
        }

        return position;
    }

    /// <summary>Reads one parsed line; the first problem found is kept in <see cref="Error"/>.</summary>
    private sealed class LineReader
    {
        private const int MaxPlainKeys = 16;
        private const int MaxKnownAuthors = 8;
        private static readonly string[] TopKeys = ["id", "messages", "participants", "room", "relationships"];
        private static readonly byte[][] TopKeysUtf8 = Utf8Keys(TopKeys);
        private static readonly string[] MessageKeys = ["author", "text", "time"];
        private static readonly byte[][] MessageKeysUtf8 = Utf8Keys(MessageKeys);

        private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
        private readonly List<string> _authors = [];
        private readonly JsonElement[] _topValues = new JsonElement[TopKeys.Length];
        private readonly JsonElement[] _messageValues = new JsonElement[MessageKeys.Length];

        public string? Error { get; private set; }

        /// <summary>Makes the reader ready for the next line (one reader per thread, reused).</summary>
        public void Reset()
        {
            Error = null;
            _keys.Clear();
            _authors.Clear();
            Array.Clear(_topValues);
            Array.Clear(_messageValues);
        }

        public InputConversation? Read(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail($"expected a JSON object, found {Describe(root.ValueKind)}");
            }

            var top = _topValues;
            if (!ReadKeys(root, string.Empty, TopKeys, TopKeysUtf8, top))
            {
                return null;
            }

            JsonElement idElement = top[0], messagesElement = top[1], participantsElement = top[2], roomElement = top[3], relationshipsElement = top[4];
            if (idElement.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return Fail("missing \"id\"");
            }

            if (!TryScalar(idElement, "id", out var id))
            {
                return null;
            }

            if (string.IsNullOrEmpty(id))
            {
                return Fail($"\"id\" must be a non-empty string or a number, found {Describe(idElement.ValueKind)}");
            }

            if (messagesElement.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return Fail("missing \"messages\"");
            }

            if (messagesElement.ValueKind != JsonValueKind.Array)
            {
                return Fail($"\"messages\" must be an array, found {Describe(messagesElement.ValueKind)}");
            }

            var messages = new List<InputMessage>(messagesElement.GetArrayLength());
            var clock = new LenientClock();
            var index = 0;
            foreach (var message in messagesElement.EnumerateArray())
            {
                if (ReadMessage(message, index, clock) is not { } read)
                {
                    return null;
                }

                messages.Add(read);
                index++;
            }

            if (ReadParticipants(participantsElement, messages) is not { } participants
                || ReadRoomKind(roomElement, participants.Count) is not { } roomKind)
            {
                return null;
            }

            if (ReadRelationships(relationshipsElement, participants) is not { } relationships)
            {
                return null;
            }

            return new InputConversation(id!, roomKind, participants, messages) { Relationships = relationships, TimeIssue = clock.Issue };
        }

        // "relationships": [{"from": "dad", "to": "lily", "kind": "guardian", "established": "verified-by-platform"}]:
        // from is the to's guardian (family, teacher-coach, friend, ward); stored both ways. Both ids must be people of
        // the conversation. "established" defaults to declared.
        private Dictionary<string, Dictionary<string, Relationship>>? ReadRelationships(JsonElement list, Dictionary<string, Participant> participants)
        {
            var result = new Dictionary<string, Dictionary<string, Relationship>>(StringComparer.Ordinal);
            if (list.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return result;
            }

            if (list.ValueKind != JsonValueKind.Array)
            {
                return Fail<Dictionary<string, Dictionary<string, Relationship>>>($"\"relationships\" must be an array, found {Describe(list.ValueKind)}");
            }

            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                var path = $"relationships[{index++}]";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    return Fail<Dictionary<string, Dictionary<string, Relationship>>>($"{path}: expected an object with from, to, kind, established, found {Describe(item.ValueKind)}");
                }

                JsonElement fromElement = default, toElement = default, kindElement = default, basisElement = default;
                if (!ReadKeys(item, path, (name, value) =>
                {
                    switch (name)
                    {
                        case "from": fromElement = value; break;
                        case "to": toElement = value; break;
                        case "kind": kindElement = value; break;
                        case "established": basisElement = value; break;
                    }
                }))
                {
                    return null;
                }

                if (!TryScalar(fromElement, path + ".from", out var from) || !TryScalar(toElement, path + ".to", out var to))
                {
                    return null;
                }

                if (from is not { Length: > 0 } || !participants.ContainsKey(from))
                {
                    return Fail<Dictionary<string, Dictionary<string, Relationship>>>($"{path}.from: must be the id of a participant or author of this conversation");
                }

                if (to is not { Length: > 0 } || !participants.ContainsKey(to) || string.Equals(from, to, StringComparison.Ordinal))
                {
                    return Fail<Dictionary<string, Dictionary<string, Relationship>>>($"{path}.to: must be the id of another participant or author of this conversation");
                }

                if (kindElement.ValueKind != JsonValueKind.String || !TryString(kindElement, path + ".kind", out var kindText)
                    || !Policies.PolicyNames.TryParseRelationshipKind(kindText, out var kind))
                {
                    return Error is not null ? null : Fail<Dictionary<string, Dictionary<string, Relationship>>>(
                        $"{path}.kind: must be one of {string.Join(", ", Policies.PolicyNames.RelationshipKinds)}");
                }

                var basis = RelationshipBasis.Declared;
                if (basisElement.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null)
                    && (basisElement.ValueKind != JsonValueKind.String || !TryString(basisElement, path + ".established", out var basisText)
                        || !Policies.PolicyNames.TryParseRelationshipBasis(basisText, out basis)))
                {
                    return Error is not null ? null : Fail<Dictionary<string, Dictionary<string, Relationship>>>(
                        $"{path}.established: must be one of {string.Join(", ", Policies.PolicyNames.RelationshipBases)}");
                }

                var relationship = new Relationship(kind, basis);
                Put(result, from, to, relationship);
                Put(result, to, from, relationship.Inverse());
            }

            return result;
        }

        private static void Put(Dictionary<string, Dictionary<string, Relationship>> map, string from, string to, Relationship relationship)
        {
            if (!map.TryGetValue(from, out var inner))
            {
                map[from] = inner = new Dictionary<string, Relationship>(StringComparer.Ordinal);
            }

            inner[to] = relationship;
        }

        private InputMessage? ReadMessage(JsonElement message, int index, LenientClock clock)
        {
            var path = new Where("messages", index);
            if (message.ValueKind != JsonValueKind.Object)
            {
                return FailMessage($"{path} must be an object, found {Describe(message.ValueKind)}");
            }

            var keys = _messageValues;
            if (!ReadKeys(message, path, MessageKeys, MessageKeysUtf8, keys))
            {
                return null;
            }

            JsonElement authorElement = keys[0], textElement = keys[1], timeElement = keys[2];

            // A missing, null or empty author (anonymised exports, pasted logs) is scored as one anonymous author;
            // only an author of the wrong type makes the line invalid.
            var author = UnknownAuthor;
            if (authorElement.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                if (authorElement.ValueKind == JsonValueKind.String && KnownAuthor(authorElement) is { } known)
                {
                    author = known;
                }
                else
                {
                    if (!TryScalar(authorElement, path.Field("author"), out var scalar))
                    {
                        return null;
                    }

                    if (scalar is null)
                    {
                        return FailMessage($"{path}.author must be a string or a number, found {Describe(authorElement.ValueKind)}");
                    }

                    author = scalar.Length == 0 ? UnknownAuthor : scalar;
                    if (scalar.Length > 0 && authorElement.ValueKind == JsonValueKind.String && _authors.Count < MaxKnownAuthors)
                    {
                        _authors.Add(scalar);
                    }
                }
            }

            var text = string.Empty;
            switch (textElement.ValueKind)
            {
                case JsonValueKind.String:
                    if (!TryString(textElement, path.Field("text"), out text))
                    {
                        return null;
                    }

                    break;
                case JsonValueKind.Null or JsonValueKind.Undefined:
                    break;
                default:
                    return FailMessage($"{path}.text must be a string or null, found {Describe(textElement.ValueKind)}");
            }

            string? timeText = null;
            if (timeElement.ValueKind == JsonValueKind.String && !TryString(timeElement, path.Field("time"), out timeText))
            {
                return null;
            }

            if (clock.Next(timeElement, timeText, path) is not { } time)
            {
                return FailMessage($"{path}.time: out of range (times must lie in the years 1900 to 2199)");
            }

            return new InputMessage(author, text, time);
        }

        private Dictionary<string, Participant>? ReadParticipants(JsonElement list, List<InputMessage> messages)
        {
            var participants = new Dictionary<string, Participant>(StringComparer.Ordinal);
            if (list.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var item in list.EnumerateArray())
                {
                    var path = $"participants[{index++}]";
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    JsonElement idElement = default, ageElement = default, assuranceElement = default;
                    if (!ReadKeys(item, path, (name, value) =>
                    {
                        switch (name)
                        {
                            case "id": idElement = value; break;
                            case "age": ageElement = value; break;
                            case "age_assurance": assuranceElement = value; break;
                        }
                    }))
                    {
                        return null;
                    }

                    if (!TryScalar(idElement, path + ".id", out var id))
                    {
                        return null;
                    }

                    if (id is not { Length: > 0 })
                    {
                        continue;
                    }

                    if (participants.ContainsKey(id))
                    {
                        // Two entries for one id (say ages 35 and 14) would silently keep the last one.
                        return Fail<Dictionary<string, Participant>>($"{path}.id: participant listed twice");
                    }

                    string? ageText = null, assuranceText = null;
                    if ((ageElement.ValueKind == JsonValueKind.String && !TryString(ageElement, path + ".age", out ageText))
                        || (assuranceElement.ValueKind == JsonValueKind.String && !TryString(assuranceElement, path + ".age_assurance", out assuranceText)))
                    {
                        return null;
                    }

                    var age = ReadAge(ageElement, ageText);
                    var assurance = ReadAssurance(assuranceText);
                    participants[id] = new Participant(id, Participant.BandForAge(age), age is null ? AgeAssurance.Unknown : assurance);
                }
            }

            foreach (var message in messages)
            {
                participants.TryAdd(message.Author, new Participant(message.Author));
            }

            return participants;
        }

        // A missing or unreadable room is a direct message between two people, or a group otherwise.
        private RoomKind? ReadRoomKind(JsonElement room, int participantCount)
        {
            var fallback = participantCount == 2 ? RoomKind.Direct : RoomKind.Group;
            if (room.ValueKind != JsonValueKind.Object)
            {
                return fallback;
            }

            JsonElement kind = default;
            if (!ReadKeys(room, "room", (name, value) =>
            {
                if (name == "kind")
                {
                    kind = value;
                }
            }))
            {
                return null;
            }

            if (kind.ValueKind != JsonValueKind.String)
            {
                return fallback;
            }

            if (!TryString(kind, "room.kind", out var text))
            {
                return null;
            }

            return RoomKindOf(text, fallback);
        }

        private static int? ReadAge(JsonElement age, string? text) => age.ValueKind switch
        {
            JsonValueKind.Number when age.TryGetDouble(out var years) && years is >= 0 and < 200 => (int)Math.Floor(years),
            JsonValueKind.String when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var years) && years is >= 0 and < 200 => years,
            _ => null,
        };

        internal static AgeAssurance ReadAssurance(string? text) =>
            text?.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal).ToUpperInvariant() switch
            {
                "SELFDECLARED" => AgeAssurance.SelfDeclared,
                "ESTIMATED" => AgeAssurance.Estimated,
                "VERIFIED" => AgeAssurance.Verified,
                _ => AgeAssurance.Unknown,
            };

        /// <summary>
        /// Hands every property of <paramref name="value"/> to <paramref name="handle"/>, failing on a key that appears twice
        /// (JSON readers disagree on which one wins, so the line is ambiguous) or that cannot be decoded.
        /// </summary>
        /// <summary>
        /// Like <see cref="ReadKeys(JsonElement, string, Action{string, JsonElement})"/>, but puts the values of
        /// <paramref name="names"/> into <paramref name="found"/> (same order). When no key is escaped, keys are compared
        /// as UTF-8 bytes and no key string is made; otherwise every key is decoded as before.
        /// </summary>
        private bool ReadKeys(JsonElement value, Where path, string[] names, byte[][] utf8Names, Span<JsonElement> found)
        {
            var count = 0;
            var plain = true;
            foreach (var property in value.EnumerateObject())
            {
                if (++count > MaxPlainKeys || JsonMarshal.GetRawUtf8PropertyName(property).IndexOf((byte)'\\') >= 0)
                {
                    plain = false;
                    break;
                }
            }

            if (!plain)
            {
                var values = new JsonElement[names.Length];
                if (!ReadKeys(value, path.ToString(), (name, element) =>
                {
                    var at = Array.IndexOf(names, name);
                    if (at >= 0)
                    {
                        values[at] = element;
                    }
                }))
                {
                    return false;
                }

                values.CopyTo(found);
                return true;
            }

            found.Clear();
            var position = 0;
            foreach (var property in value.EnumerateObject())
            {
                var raw = JsonMarshal.GetRawUtf8PropertyName(property);
                var earlier = 0;
                foreach (var previous in value.EnumerateObject())
                {
                    if (earlier++ == position)
                    {
                        break;
                    }

                    if (raw.SequenceEqual(JsonMarshal.GetRawUtf8PropertyName(previous)))
                    {
                        Error = $"duplicate key \"{Join(path.ToString(), property.Name)}\"";
                        return false;
                    }
                }

                for (var i = 0; i < utf8Names.Length; i++)
                {
                    if (raw.SequenceEqual(utf8Names[i]))
                    {
                        found[i] = property.Value;
                        break;
                    }
                }

                position++;
            }

            return true;
        }

        // An author already read in this line, when the element holds the same text (no new string per message).
        private string? KnownAuthor(JsonElement element)
        {
            try
            {
                foreach (var author in _authors)
                {
                    if (element.ValueEquals(author))
                    {
                        return author;
                    }
                }
            }
            catch (InvalidOperationException)
            {
                // A lone surrogate escape cannot be compared: reading the string then names the problem.
            }

            return null;
        }

        private bool ReadKeys(JsonElement value, string path, Action<string, JsonElement> handle)
        {
            _keys.Clear();
            foreach (var property in value.EnumerateObject())
            {
                string name;
                try
                {
                    name = property.Name;
                }
                catch (InvalidOperationException)
                {
                    Error = $"{(path.Length == 0 ? "a top-level key" : "a key in " + path)}: lone surrogate escape in a key";
                    return false;
                }

                if (!_keys.Add(name))
                {
                    Error = $"duplicate key \"{Join(path, name)}\"";
                    return false;
                }

                handle(name, property.Value);
            }

            return true;
        }

        private static string Join(string path, string name)
        {
            var key = OutputText.Escape(name, 64);
            return path.Length == 0 ? key : $"{path}.{key}";
        }

        /// <summary>Reads a string or a number as text (null for other kinds); false after an error.</summary>
        private bool TryScalar(JsonElement element, Where path, out string? text)
        {
            text = null;
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    var ok = TryString(element, path, out var value);
                    text = value;
                    return ok;
                case JsonValueKind.Number:
                    text = element.GetRawText();
                    return true;
                default:
                    return true;
            }
        }

        private bool TryString(JsonElement element, Where path, out string text)
        {
            try
            {
                text = element.GetString()!;
                return true;
            }
            catch (InvalidOperationException)
            {
                // System.Text.Json refuses strings with lone surrogate escapes such as "\ud800".
                text = string.Empty;
                Error = $"{path}: lone surrogate escape (\\uD800-\\uDFFF without its pair) in a string";
                return false;
            }
        }

        private static byte[][] Utf8Keys(string[] names) => [.. names.Select(Encoding.UTF8.GetBytes)];

        private InputConversation? Fail(string reason)
        {
            Error = reason;
            return null;
        }

        private T? Fail<T>(string reason)
            where T : class
        {
            Error = reason;
            return null;
        }

        private InputMessage? FailMessage(string reason)
        {
            Error = reason;
            return null;
        }
    }

    /// <summary>
    /// Where in the line a value is (<c>messages[3].author</c>), made into text only for an error message.
    /// </summary>
    private readonly record struct Where(string Name, int Index = -1, string? Child = null)
    {
        public static implicit operator Where(string name) => new(name);

        public Where Field(string child) => this with { Child = child };

        public override string ToString()
        {
            var name = Index < 0 ? Name : string.Create(CultureInfo.InvariantCulture, $"{Name}[{Index}]");
            return Child is null ? name : name + "." + Child;
        }
    }

    /// <summary>
    /// Turns the many time formats of chat corpora into increasing timestamps: ISO-8601, numeric seconds (number or string,
    /// since the Unix epoch or since the match start), "HH:MM[:SS]" on the last known date (rolling over midnight), and
    /// null, missing or unreadable values as one second after the previous message. A readable time outside
    /// [<see cref="MinTime"/>, <see cref="MaxTime"/>) is refused (null), so synthetic times never overflow.
    /// </summary>
    private sealed class LenientClock
    {
        private DateTimeOffset _previous = Epoch;
        private bool _any;

        /// <summary>Makes the clock ready for the next line's messages (the streaming reader keeps one).</summary>
        public void Reset()
        {
            _previous = Epoch;
            _any = false;
            Issue = null;
        }

        /// <summary>The first time that cannot be replayed (see <see cref="InputConversation.TimeIssue"/>), or null.</summary>
        public string? Issue { get; private set; }

        /// <summary>The message's time, or null when it is readable but out of range.</summary>
        public DateTimeOffset? Next(JsonElement element, string? text, Where path) =>
            element.ValueKind == JsonValueKind.Number
                ? Next(JsonValueKind.Number, element.TryGetDouble(out var seconds), seconds, default, path)
                : Next(element.ValueKind, false, 0, text, path);

        /// <summary>
        /// The message's time from a value of kind <paramref name="kind"/> (for a number: whether it reads as a double, and
        /// that double; for a string: its text), or null when it is readable but out of range. <paramref name="path"/>
        /// (<c>messages[i]</c>) is made into text only when the time cannot be replayed.
        /// </summary>
        public DateTimeOffset? Next(JsonValueKind kind, bool isDouble, double number, ReadOnlySpan<char> text, Where path)
        {
            Parsed parsed = kind switch
            {
                JsonValueKind.Number => isDouble ? FromSeconds(number) : Parsed.OutOfRange,
                JsonValueKind.String => FromString(text),
                _ => Parsed.Unreadable,
            };
            if (parsed.IsOutOfRange)
            {
                return null;
            }

            if (Issue is null && parsed.Time is null && kind is not (JsonValueKind.Undefined or JsonValueKind.Null)
                && !(kind == JsonValueKind.String && text.Trim().Length == 0))
            {
                Issue = $"{path.Field("time")}: not a time (expected ISO-8601, seconds since the epoch, or HH:MM[:SS])";
            }
            else if (Issue is null && parsed.Time is { } given && _any && given < _previous)
            {
                Issue = $"{path.Field("time")}: earlier than the message before it (times must not go back)";
            }

            var time = parsed.Time ?? (_any ? _previous.AddSeconds(1) : Epoch);
            _previous = time;
            _any = true;
            return time;
        }

        private Parsed FromString(ReadOnlySpan<char> text)
        {
            text = text.Trim();
            if (text.Length == 0)
            {
                return Parsed.Unreadable;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                return FromSeconds(seconds);
            }

            if (TryTimeOfDay(text, out var timeOfDay))
            {
                var candidate = _previous.Date.Add(timeOfDay);
                var day = new DateTimeOffset(candidate, TimeSpan.Zero);
                return InRange(_any && day < _previous ? day.AddDays(1) : day);
            }

            // Only strings that start with a date (yyyy-...): other forms would be read relative to today's date.
            if (text.Length >= 10 && text[4] == '-' && int.TryParse(text[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var year))
            {
                if (year is < 1900 or > 2199)
                {
                    return Parsed.OutOfRange;
                }

                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var iso))
                {
                    return InRange(iso);
                }
            }

            return Parsed.Unreadable;
        }

        // "H:M", "HH:MM" or "HH:MM:SS" (each part one or two ASCII digits) within one day.
        private static bool TryTimeOfDay(ReadOnlySpan<char> text, out TimeSpan timeOfDay)
        {
            timeOfDay = default;
            Span<int> parts = stackalloc int[3];
            var count = 0;
            var start = 0;
            for (var i = 0; i <= text.Length; i++)
            {
                if (i < text.Length && text[i] != ':')
                {
                    continue;
                }

                var part = text[start..i];
                if (count == 3 || part.Length is 0 or > 2 || !char.IsAsciiDigit(part[0]) || (part.Length == 2 && !char.IsAsciiDigit(part[1])))
                {
                    return false;
                }

                parts[count++] = part.Length == 1 ? part[0] - '0' : ((part[0] - '0') * 10) + (part[1] - '0');
                start = i + 1;
            }

            if (count < 2)
            {
                return false;
            }

            int hours = parts[0], minutes = parts[1], secs = count == 3 ? parts[2] : 0;
            if (hours > 23 || minutes > 59 || secs > 59)
            {
                return false;
            }

            timeOfDay = new TimeSpan(hours, minutes, secs);
            return true;
        }

        private static Parsed FromSeconds(double seconds)
        {
            const double Lowest = -2_208_988_800d; // 1900-01-01
            const double Highest = 7_258_118_400d; // 2200-01-01
            return double.IsFinite(seconds) && seconds >= Lowest && seconds < Highest ? InRange(Epoch.AddSeconds(seconds)) : Parsed.OutOfRange;
        }

        private static Parsed InRange(DateTimeOffset time) =>
            time >= MinTime && time < MaxTime ? new Parsed(time, false) : Parsed.OutOfRange;

        private readonly record struct Parsed(DateTimeOffset? Time, bool IsOutOfRange)
        {
            public static Parsed Unreadable => new(null, false);

            public static Parsed OutOfRange => new(null, true);
        }
    }
}
