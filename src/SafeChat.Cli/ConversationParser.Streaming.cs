using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using SafeChat.Conversations;

namespace SafeChat.Cli;

/// <summary>The one-pass reader of well-formed conversation lines (see <see cref="ConversationParser.TryParse"/>).</summary>
internal static partial class ConversationParser
{
    [ThreadStatic]
    private static StreamingReader? t_streaming;

    /// <summary>The conversation of a valid UTF-8 line as the one-pass reader reads it, or null when it hands the line over.</summary>
    internal static InputConversation? TryReadStreaming(ReadOnlySpan<byte> line) => (t_streaming ??= new StreamingReader()).TryRead(line);

    /// <summary>
    /// Reads a line with a <see cref="Utf8JsonReader"/> into the same <see cref="InputConversation"/> the document reader
    /// builds, without a <see cref="JsonDocument"/>. It gives up (null) on anything the document reader would refuse
    /// (bad JSON, a key twice, a value of the wrong type, an unreadable string, a time out of range) and on the parts it
    /// does not read itself (escaped keys, <c>relationships</c>): the caller then reads the line with the document
    /// reader, which builds the conversation or names the problem. It never reports an error of its own.
    /// </summary>
    private sealed class StreamingReader
    {
        private const int MaxKnownAuthors = 8;
        private static readonly JsonReaderOptions Options = new() { MaxDepth = 64 };

        private readonly List<string> _authors = [];
        private readonly List<Participant> _listed = [];
        private readonly List<Range> _topKeys = [];
        private readonly List<Range> _keys = [];
        private readonly char[] _chars = new char[64];

        /// <summary>The conversation of <paramref name="line"/> (valid UTF-8), or null to read it with the document reader.</summary>
        public InputConversation? TryRead(ReadOnlySpan<byte> line)
        {
            _authors.Clear();
            _listed.Clear();
            try
            {
                return Read(line);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                // Bad JSON, or a string that cannot be decoded (a lone surrogate escape): the document reader says which.
                return null;
            }
            finally
            {
                _authors.Clear();
                _listed.Clear();
            }
        }

        private InputConversation? Read(ReadOnlySpan<byte> line)
        {
            var reader = new Utf8JsonReader(line, Options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            string? id = null;
            List<InputMessage>? messages = null;
            LenientClock? clock = null;
            string? roomKind = null;
            _topKeys.Clear();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!NewKey(ref reader, line, _topKeys))
                {
                    return null;
                }

                var name = reader.ValueSpan;
                reader.Read();
                if (name.SequenceEqual("id"u8))
                {
                    id = IdText(ref reader);
                    if (string.IsNullOrEmpty(id))
                    {
                        return null;
                    }
                }
                else if (name.SequenceEqual("messages"u8))
                {
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        return null;
                    }

                    clock = new LenientClock();
                    if ((messages = ReadMessages(ref reader, line, clock)) is null)
                    {
                        return null;
                    }
                }
                else if (name.SequenceEqual("participants"u8) && reader.TokenType == JsonTokenType.StartArray)
                {
                    if (!ReadParticipants(ref reader, line))
                    {
                        return null;
                    }
                }
                else if (name.SequenceEqual("room"u8) && reader.TokenType == JsonTokenType.StartObject)
                {
                    if (!ReadRoom(ref reader, line, out roomKind))
                    {
                        return null;
                    }
                }
                else if (name.SequenceEqual("relationships"u8) && reader.TokenType != JsonTokenType.Null)
                {
                    return null;
                }
                else
                {
                    reader.Skip();
                }
            }

            // The root object ends here; anything after it but white space is an error the reader throws on.
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || id is null || messages is null)
            {
                return null;
            }

            var participants = new Dictionary<string, Participant>(StringComparer.Ordinal);
            foreach (var participant in _listed)
            {
                participants.Add(participant.Id, participant);
            }

            foreach (var message in messages)
            {
                participants.TryAdd(message.Author, new Participant(message.Author));
            }

            var fallback = participants.Count == 2 ? RoomKind.Direct : RoomKind.Group;
            var room = roomKind is null ? fallback : RoomKindOf(roomKind, fallback);
            return new InputConversation(id, room, participants, messages) { TimeIssue = clock!.Issue };
        }

        private List<InputMessage>? ReadMessages(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, LenientClock clock)
        {
            var messages = new List<InputMessage>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return null;
                }

                var author = UnknownAuthor;
                var text = string.Empty;
                var timeKind = JsonValueKind.Undefined;
                var isDouble = false;
                double seconds = 0;
                var timeLength = 0;
                string? longTime = null;
                _keys.Clear();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (!NewKey(ref reader, line, _keys))
                    {
                        return null;
                    }

                    var name = reader.ValueSpan;
                    reader.Read();
                    if (name.SequenceEqual("author"u8))
                    {
                        switch (reader.TokenType)
                        {
                            case JsonTokenType.String:
                                author = Author(ref reader);
                                break;
                            case JsonTokenType.Number:
                                author = Encoding.UTF8.GetString(reader.ValueSpan);
                                break;
                            case JsonTokenType.Null:
                                author = UnknownAuthor;
                                break;
                            default:
                                return null;
                        }
                    }
                    else if (name.SequenceEqual("text"u8))
                    {
                        switch (reader.TokenType)
                        {
                            case JsonTokenType.String:
                                text = reader.GetString()!;
                                break;
                            case JsonTokenType.Null:
                                text = string.Empty;
                                break;
                            default:
                                return null;
                        }
                    }
                    else if (name.SequenceEqual("time"u8))
                    {
                        isDouble = false;
                        timeLength = 0;
                        longTime = null;
                        switch (reader.TokenType)
                        {
                            case JsonTokenType.String:
                                timeKind = JsonValueKind.String;
                                longTime = null;
                                if (reader.ValueSpan.Length <= _chars.Length)
                                {
                                    // The usual short time goes to the reused buffer; a longer one gets its own string.
                                    timeLength = reader.CopyString(_chars);
                                }
                                else
                                {
                                    longTime = reader.GetString();
                                }

                                break;
                            case JsonTokenType.Number:
                                timeKind = JsonValueKind.Number;
                                isDouble = reader.TryGetDouble(out seconds);
                                break;
                            default:
                                timeKind = Kind(reader.TokenType);
                                reader.Skip();
                                break;
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }

                if (clock.Next(timeKind, isDouble, seconds, longTime is null ? _chars.AsSpan(0, timeLength) : longTime.AsSpan(), new Where("messages", messages.Count)) is not { } time)
                {
                    return null;
                }

                messages.Add(new InputMessage(author, text, time));
            }

            return messages;
        }

        // A string author: one already read in this line when the value is the same (no new string per message).
        private string Author(ref Utf8JsonReader reader)
        {
            foreach (var known in _authors)
            {
                if (reader.ValueTextEquals(known))
                {
                    return known;
                }
            }

            var author = reader.GetString()!;
            if (author.Length == 0)
            {
                return UnknownAuthor;
            }

            if (_authors.Count < MaxKnownAuthors)
            {
                _authors.Add(author);
            }

            return author;
        }

        // participants: [{"id", "age", "age_assurance"}]; items that are not objects, or have no id, are ignored.
        private bool ReadParticipants(ref Utf8JsonReader reader, ReadOnlySpan<byte> line)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                string? id = null, ageText = null, assuranceText = null;
                var ageKind = JsonTokenType.None;
                double ageNumber = 0;
                var ageIsDouble = false;
                _keys.Clear();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (!NewKey(ref reader, line, _keys))
                    {
                        return false;
                    }

                    var name = reader.ValueSpan;
                    reader.Read();
                    if (name.SequenceEqual("id"u8))
                    {
                        id = IdText(ref reader);
                    }
                    else if (name.SequenceEqual("age"u8))
                    {
                        ageKind = reader.TokenType;
                        ageText = null;
                        if (ageKind == JsonTokenType.String)
                        {
                            ageText = reader.GetString();
                        }
                        else if (ageKind == JsonTokenType.Number)
                        {
                            ageIsDouble = reader.TryGetDouble(out ageNumber);
                        }
                    }
                    else if (name.SequenceEqual("age_assurance"u8))
                    {
                        assuranceText = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    }

                    reader.Skip();
                }

                if (id is not { Length: > 0 })
                {
                    continue;
                }

                foreach (var listed in _listed)
                {
                    if (string.Equals(listed.Id, id, StringComparison.Ordinal))
                    {
                        return false;
                    }
                }

                int? age = ageKind switch
                {
                    JsonTokenType.Number when ageIsDouble && ageNumber is >= 0 and < 200 => (int)Math.Floor(ageNumber),
                    JsonTokenType.String when int.TryParse(ageText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var years) && years is >= 0 and < 200 => years,
                    _ => null,
                };
                var assurance = LineReader.ReadAssurance(assuranceText);
                _listed.Add(new Participant(id, Participant.BandForAge(age), age is null ? AgeAssurance.Unknown : assurance));
            }

            return true;
        }

        // room: {"kind"}; the kind's text, or null when it is missing or not a string.
        private bool ReadRoom(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, out string? kind)
        {
            kind = null;
            _keys.Clear();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!NewKey(ref reader, line, _keys))
                {
                    return false;
                }

                var isKind = reader.ValueSpan.SequenceEqual("kind"u8);
                reader.Read();
                if (isKind)
                {
                    kind = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }

            return true;
        }

        // An id as written: a string's text or a number's digits; null for any other token.
        private static string? IdText(ref Utf8JsonReader reader) => reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
            _ => null,
        };

        /// <summary>
        /// Takes the property name under the reader as a key of the current object: false when it is escaped (left to the
        /// document reader) or the object has it already.
        /// </summary>
        private static bool NewKey(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, List<Range> keys)
        {
            if (reader.ValueIsEscaped || reader.HasValueSequence)
            {
                return false;
            }

            var name = reader.ValueSpan;
            var start = (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(line), ref MemoryMarshal.GetReference(name));
            foreach (var key in keys)
            {
                if (line[key].SequenceEqual(name))
                {
                    return false;
                }
            }

            keys.Add(new Range(start, start + name.Length));
            return true;
        }

        private static JsonValueKind Kind(JsonTokenType token) => token switch
        {
            JsonTokenType.StartObject => JsonValueKind.Object,
            JsonTokenType.StartArray => JsonValueKind.Array,
            JsonTokenType.String => JsonValueKind.String,
            JsonTokenType.Number => JsonValueKind.Number,
            JsonTokenType.True => JsonValueKind.True,
            JsonTokenType.False => JsonValueKind.False,
            JsonTokenType.Null => JsonValueKind.Null,
            _ => JsonValueKind.Undefined,
        };
    }
}
