using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using SafeChat.Conversations;

namespace SafeChat.Cli;

/// <summary>A message of an input conversation.</summary>
internal sealed record InputMessage(string Author, string Text, DateTimeOffset Time);

/// <summary>A conversation read from one JSONL line.</summary>
internal sealed record InputConversation(
    string Id,
    RoomKind RoomKind,
    IReadOnlyDictionary<string, Participant> Participants,
    IReadOnlyList<InputMessage> Messages);

/// <summary>
/// Reads one conversation line: <c>{"id","messages":[{"author","time","text"}],"participants"?,"room"?}</c>; other fields
/// are ignored. A line is invalid only when it is not UTF-8 or JSON, lacks <c>id</c> or <c>messages</c>, or has a message
/// without <c>author</c> or with a non-string <c>text</c>. Everything else is read leniently.
/// </summary>
internal static class ConversationParser
{
    private static readonly DateTimeOffset Epoch = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

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

    public static bool TryParse(ReadOnlyMemory<byte> line, out InputConversation? conversation, out string? error)
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
            error = $"invalid JSON at byte {ex.BytePositionInLine ?? 0}: {JsonReason(ex)}";
            return false;
        }

        using (document)
        {
            try
            {
                return TryRead(document.RootElement, out conversation, out error);
            }
            catch (InvalidOperationException ex)
            {
                // System.Text.Json refuses strings with lone surrogate escapes such as "\ud800".
                error = $"unreadable string: {ex.Message}";
                return false;
            }
        }
    }

    private static bool TryRead(JsonElement root, out InputConversation? conversation, out string? error)
    {
        conversation = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"expected a JSON object, found {Describe(root.ValueKind)}";
            return false;
        }

        if (!root.TryGetProperty("id", out var idElement) || idElement.ValueKind == JsonValueKind.Null)
        {
            error = "missing \"id\"";
            return false;
        }

        var id = ScalarText(idElement);
        if (string.IsNullOrEmpty(id))
        {
            error = $"\"id\" must be a non-empty string or a number, found {Describe(idElement.ValueKind)}";
            return false;
        }

        if (!root.TryGetProperty("messages", out var messagesElement) || messagesElement.ValueKind == JsonValueKind.Null)
        {
            error = "missing \"messages\"";
            return false;
        }

        if (messagesElement.ValueKind != JsonValueKind.Array)
        {
            error = $"\"messages\" must be an array, found {Describe(messagesElement.ValueKind)}";
            return false;
        }

        var messages = new List<InputMessage>(messagesElement.GetArrayLength());
        var clock = new LenientClock();
        var index = 0;
        foreach (var message in messagesElement.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object)
            {
                error = $"messages[{index}] must be an object, found {Describe(message.ValueKind)}";
                return false;
            }

            if (!message.TryGetProperty("author", out var authorElement) || authorElement.ValueKind == JsonValueKind.Null)
            {
                error = $"messages[{index}] has no \"author\"";
                return false;
            }

            var author = ScalarText(authorElement);
            if (string.IsNullOrEmpty(author))
            {
                error = $"messages[{index}].author must be a non-empty string, found {Describe(authorElement.ValueKind)}";
                return false;
            }

            var text = string.Empty;
            if (message.TryGetProperty("text", out var textElement))
            {
                switch (textElement.ValueKind)
                {
                    case JsonValueKind.String:
                        text = textElement.GetString()!;
                        break;
                    case JsonValueKind.Null:
                        break;
                    default:
                        error = $"messages[{index}].text must be a string or null, found {Describe(textElement.ValueKind)}";
                        return false;
                }
            }

            var time = clock.Next(message.TryGetProperty("time", out var timeElement) ? timeElement : default);
            messages.Add(new InputMessage(author, text, time));
            index++;
        }

        var participants = ReadParticipants(root, messages);
        conversation = new InputConversation(id, ReadRoomKind(root, participants.Count), participants, messages);
        error = null;
        return true;
    }

    private static Dictionary<string, Participant> ReadParticipants(JsonElement root, List<InputMessage> messages)
    {
        var participants = new Dictionary<string, Participant>(StringComparer.Ordinal);
        if (root.TryGetProperty("participants", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("id", out var idElement) || ScalarText(idElement) is not { Length: > 0 } id)
                {
                    continue;
                }

                var age = item.TryGetProperty("age", out var ageElement) ? ReadAge(ageElement) : null;
                var assurance = item.TryGetProperty("age_assurance", out var assuranceElement) ? ReadAssurance(assuranceElement) : AgeAssurance.Unknown;
                participants[id] = new Participant(id, Participant.BandForAge(age), age is null ? AgeAssurance.Unknown : assurance);
            }
        }

        foreach (var message in messages)
        {
            if (!participants.ContainsKey(message.Author))
            {
                participants[message.Author] = new Participant(message.Author);
            }
        }

        return participants;
    }

    private static int? ReadAge(JsonElement age) => age.ValueKind switch
    {
        JsonValueKind.Number when age.TryGetDouble(out var years) && years is >= 0 and < 200 => (int)Math.Floor(years),
        JsonValueKind.String when int.TryParse(age.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var years) && years is >= 0 and < 200 => years,
        _ => null,
    };

    private static AgeAssurance ReadAssurance(JsonElement element) =>
        element.ValueKind == JsonValueKind.String
            ? element.GetString()?.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal).ToUpperInvariant() switch
            {
                "SELFDECLARED" => AgeAssurance.SelfDeclared,
                "ESTIMATED" => AgeAssurance.Estimated,
                "VERIFIED" => AgeAssurance.Verified,
                _ => AgeAssurance.Unknown,
            }
            : AgeAssurance.Unknown;

    // A missing or unreadable room is a direct message between two people, or a group otherwise.
    private static RoomKind ReadRoomKind(JsonElement root, int participantCount)
    {
        var fallback = participantCount == 2 ? RoomKind.Direct : RoomKind.Group;
        if (!root.TryGetProperty("room", out var room) || room.ValueKind != JsonValueKind.Object
            || !room.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String)
        {
            return fallback;
        }

        return kind.GetString()?.ToUpperInvariant() switch
        {
            "PUBLIC" => RoomKind.Public,
            "GROUP" => RoomKind.Group,
            "PRIVATE" => RoomKind.Private,
            "DIRECT" or "DM" => RoomKind.Direct,
            _ => fallback,
        };
    }

    private static string? ScalarText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetRawText(),
        _ => null,
    };

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

    private static string JsonReason(JsonException ex)
    {
        // Drop System.Text.Json's " LineNumber: 0 | BytePositionInLine: 12." suffix: the position is reported separately.
        var message = ex.Message;
        var suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (suffix > 0 ? message[..suffix] : message).TrimEnd('.', ' ');
    }

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

    /// <summary>
    /// Turns the many time formats of chat corpora into increasing timestamps: ISO-8601, numeric seconds (number or string,
    /// since the Unix epoch or since the match start), "HH:MM[:SS]" on the last known date (rolling over midnight), and
    /// null, missing or unreadable values as one second after the previous message.
    /// </summary>
    private sealed class LenientClock
    {
        private DateTimeOffset _previous = Epoch;
        private bool _any;

        public DateTimeOffset Next(JsonElement element)
        {
            var parsed = element.ValueKind switch
            {
                JsonValueKind.Number when element.TryGetDouble(out var seconds) => FromSeconds(seconds),
                JsonValueKind.String => FromString(element.GetString()!),
                _ => null,
            };
            var time = parsed ?? (_any ? _previous.AddSeconds(1) : Epoch);
            _previous = time;
            _any = true;
            return time;
        }

        private DateTimeOffset? FromString(string text)
        {
            text = text.Trim();
            if (text.Length == 0)
            {
                return null;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                return FromSeconds(seconds);
            }

            if (TryTimeOfDay(text, out var timeOfDay))
            {
                var candidate = _previous.Date.Add(timeOfDay);
                var day = new DateTimeOffset(candidate, TimeSpan.Zero);
                return _any && day < _previous ? day.AddDays(1) : day;
            }

            // Only strings that start with a date (yyyy-...): other forms would be read relative to today's date.
            if (text.Length >= 10 && char.IsAsciiDigit(text[0]) && text[4] == '-'
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var iso))
            {
                return iso;
            }

            return null;
        }

        private static bool TryTimeOfDay(string text, out TimeSpan timeOfDay)
        {
            timeOfDay = default;
            var parts = text.Split(':');
            if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length is 0 or > 2 || !p.All(char.IsAsciiDigit)))
            {
                return false;
            }

            var hours = int.Parse(parts[0], CultureInfo.InvariantCulture);
            var minutes = int.Parse(parts[1], CultureInfo.InvariantCulture);
            var secs = parts.Length == 3 ? int.Parse(parts[2], CultureInfo.InvariantCulture) : 0;
            if (hours > 23 || minutes > 59 || secs > 59)
            {
                return false;
            }

            timeOfDay = new TimeSpan(hours, minutes, secs);
            return true;
        }

        private static DateTimeOffset? FromSeconds(double seconds)
        {
            const double Limit = 62_000_000_000d; // about 1,960 years either side of 1970, inside DateTimeOffset's range
            return double.IsFinite(seconds) && Math.Abs(seconds) < Limit ? Epoch.AddSeconds(seconds) : null;
        }
    }
}
