using System.Buffers.Binary;
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
        private readonly KeySet _topKeys = new();
        private readonly KeySet _keys = new();
        private readonly char[] _chars = new char[64];

        // The line's distinct authors in order of first appearance (with their slot in the cross-line cache, or -1), up
        // to MaxLineAuthors; a line with more builds its participants message by message.
        private readonly List<(string Author, int Slot)> _lineAuthors = [];
        private bool _manyAuthors;
        private readonly AuthorCache _cache = new();
        private readonly LenientClock _clock = new();
        private readonly List<InputMessage> _messages = [];
        private const int MaxLineAuthors = 16;

        /// <summary>The conversation of <paramref name="line"/> (valid UTF-8), or null to read it with the document reader.</summary>
        public InputConversation? TryRead(ReadOnlySpan<byte> line)
        {
            _authors.Clear();
            _listed.Clear();
            _lineAuthors.Clear();
            _manyAuthors = false;
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
                _lineAuthors.Clear();
                _messages.Clear();
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
            InputMessage[]? messages = null;
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

                    _clock.Reset();
                    if ((messages = ReadMessages(ref reader, line, _clock)) is null)
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

            IReadOnlyDictionary<string, Participant> participants = (IReadOnlyDictionary<string, Participant>?)SmallParticipants() ?? ParticipantDictionary(messages);
            var fallback = participants.Count == 2 ? RoomKind.Direct : RoomKind.Group;
            var room = roomKind is null ? fallback : RoomKindOf(roomKind, fallback);
            return new InputConversation(id, room, participants, messages) { TimeIssue = _clock.Issue };
        }

        /// <summary>
        /// The line's participants when there are at most <see cref="ParticipantMap.MaxCount"/>: the listed ones, then
        /// its authors not listed in order of first appearance (the order the dictionary of a larger line has); else null.
        /// </summary>
        private ParticipantMap? SmallParticipants()
        {
            if (_manyAuthors)
            {
                return null;
            }

            var count = _listed.Count;
            foreach (var (author, _) in _lineAuthors)
            {
                if (!IsListed(author))
                {
                    count++;
                }
            }

            if (count > ParticipantMap.MaxCount)
            {
                return null;
            }

            var roster = new Participant[count];
            _listed.CopyTo(roster);
            var at = _listed.Count;
            foreach (var (author, slot) in _lineAuthors)
            {
                if (!IsListed(author))
                {
                    roster[at++] = slot >= 0 ? _cache.Participant(slot, author) : new Participant(author);
                }
            }

            return new ParticipantMap(roster);
        }

        private bool IsListed(string id)
        {
            foreach (var listed in _listed)
            {
                if (string.Equals(listed.Id, id, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        // The participants of a larger line: the listed ones, then every author not listed, in order of first appearance.
        private Dictionary<string, Participant> ParticipantDictionary(InputMessage[] messages)
        {
            var participants = new Dictionary<string, Participant>(_listed.Count + _lineAuthors.Count, StringComparer.Ordinal);
            foreach (var participant in _listed)
            {
                participants.Add(participant.Id, participant);
            }

            if (!_manyAuthors)
            {
                // The distinct authors in order of first appearance: the same entries in the same order as adding every
                // message's author, one participant per author (an unlisted author's is shared across lines: immutable).
                foreach (var (author, slot) in _lineAuthors)
                {
                    ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(participants, author, out var listed);
                    if (!listed)
                    {
                        entry = slot >= 0 ? _cache.Participant(slot, author) : new Participant(author);
                    }
                }
            }
            else
            {
                foreach (var message in messages)
                {
                    ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(participants, message.Author, out var listed);
                    if (!listed)
                    {
                        entry = new Participant(message.Author);
                    }
                }
            }

            return participants;
        }

        // The messages in an array of their number (gathered in a reused list: no list per line, no growing).
        private InputMessage[]? ReadMessages(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, LenientClock clock)
        {
            var messages = _messages;
            messages.Clear();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return null;
                }

                var author = UnknownAuthor;
                var slot = -1;
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
                                author = Author(ref reader, out slot);
                                break;
                            case JsonTokenType.Number:
                                author = Encoding.UTF8.GetString(reader.ValueSpan);
                                slot = -1;
                                break;
                            case JsonTokenType.Null:
                                author = UnknownAuthor;
                                slot = -1;
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
                            case JsonTokenType.String when !reader.ValueIsEscaped && TryWholeSeconds(reader.ValueSpan, out seconds):
                                // Whole seconds as a string ("-8", "934"): the number double.TryParse would read from the
                                // text, read from the bytes; a readable number is a time or out of range, like a number.
                                timeKind = JsonValueKind.Number;
                                isDouble = true;
                                break;
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
                RememberAuthor(author, slot);
            }

            var read = messages.Count == 0 ? [] : messages.ToArray();
            messages.Clear();
            return read;
        }

        // Adds a message's author to the line's distinct authors (by reference first: the cache hands out one string).
        private void RememberAuthor(string author, int slot)
        {
            if (_manyAuthors)
            {
                return;
            }

            var authors = CollectionsMarshal.AsSpan(_lineAuthors);
            foreach (var known in authors)
            {
                if (ReferenceEquals(known.Author, author))
                {
                    return;
                }
            }

            foreach (var known in authors)
            {
                if (string.Equals(known.Author, author, StringComparison.Ordinal))
                {
                    return;
                }
            }

            if (authors.Length == MaxLineAuthors)
            {
                _manyAuthors = true;
                return;
            }

            _lineAuthors.Add((author, slot));
        }

        /// <summary>
        /// Reads an unescaped string of 1 to 15 ASCII digits, optionally after a '-', as the whole number of seconds
        /// it is: exactly what <c>double.TryParse</c> gives for that text (every such integer is a double).
        /// </summary>
        private static bool TryWholeSeconds(ReadOnlySpan<byte> text, out double seconds)
        {
            seconds = 0;
            var negative = text.Length > 0 && text[0] == (byte)'-';
            var digits = negative ? text[1..] : text;
            if (digits.Length is 0 or > 15)
            {
                return false;
            }

            long value = 0;
            foreach (var b in digits)
            {
                var digit = (uint)(b - (byte)'0');
                if (digit > 9)
                {
                    return false;
                }

                value = (value * 10) + digit;
            }

            seconds = negative ? -(double)value : value;
            return true;
        }

        // A string author: an unescaped one from the cross-line cache (one string per author bytes), any other one
        // already read in this line when the value is the same (no new string per message).
        private string Author(ref Utf8JsonReader reader, out int slot)
        {
            slot = -1;
            if (!reader.ValueIsEscaped && !reader.HasValueSequence)
            {
                var bytes = reader.ValueSpan;
                return bytes.Length == 0 ? UnknownAuthor : _cache.Get(bytes, out slot);
            }

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
        private static bool NewKey(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, KeySet keys)
        {
            if (reader.ValueIsEscaped || reader.HasValueSequence)
            {
                return false;
            }

            var name = reader.ValueSpan;
            var start = (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(line), ref MemoryMarshal.GetReference(name));
            return keys.Add(line, start, name.Length);
        }

        /// <summary>
        /// The keys of the current object, to find one given twice: each key's first 8 bytes, start and length, and a
        /// 64-bit filter of them, so a key whose filter bit is still clear is new without comparing it with the others.
        /// </summary>
        private sealed class KeySet
        {
            private readonly List<(ulong Head, int Start, int Length)> _keys = [];
            private ulong _filter;

            public void Clear()
            {
                _keys.Clear();
                _filter = 0;
            }

            /// <summary>Adds the key at <paramref name="start"/> of <paramref name="line"/>; false when the object has it already.</summary>
            public bool Add(ReadOnlySpan<byte> line, int start, int length)
            {
                var head = HeadOf(line, start, length);
                var bit = 1UL << (int)(((head + (ulong)length) * 0x9E3779B97F4A7C15UL) >> 58);
                if ((_filter & bit) != 0)
                {
                    var name = line.Slice(start, length);
                    foreach (var key in CollectionsMarshal.AsSpan(_keys))
                    {
                        // The same length and first 8 bytes: the same key when at most 8 bytes long, else compared in full.
                        if (key.Head == head && key.Length == length && (length <= 8 || line.Slice(key.Start, length).SequenceEqual(name)))
                        {
                            return false;
                        }
                    }
                }

                _filter |= bit;
                _keys.Add((head, start, length));
                return true;
            }

            // The first (up to) 8 bytes of the key as a little-endian number (bytes after the key are masked off).
            private static ulong HeadOf(ReadOnlySpan<byte> line, int start, int length)
            {
                if (start + 8 <= line.Length)
                {
                    var word = BinaryPrimitives.ReadUInt64LittleEndian(line[start..]);
                    return length >= 8 ? word : word & ((1UL << (8 * length)) - 1);
                }

                ulong head = 0;
                var count = Math.Min(length, 8);
                for (var i = 0; i < count; i++)
                {
                    head |= (ulong)line[start + i] << (8 * i);
                }

                return head;
            }
        }

        /// <summary>
        /// Author ids across lines (a match's players recur from chunk to chunk): one string per id's UTF-8 bytes in a
        /// small direct-mapped table, and the participant record of an unlisted author (immutable, so shared). A slot
        /// holds the latest id that hashed to it; the table never grows.
        /// </summary>
        private sealed class AuthorCache
        {
            private const int Slots = 1024;
            private const int MaxBytes = 64;
            private readonly byte[]?[] _bytes = new byte[Slots][];
            private readonly string?[] _strings = new string[Slots];
            private readonly Participant?[] _participants = new Participant[Slots];

            /// <summary>The string of <paramref name="utf8"/> (valid, unescaped), and its slot (-1 when not cached).</summary>
            public string Get(ReadOnlySpan<byte> utf8, out int slot)
            {
                if (utf8.Length > MaxBytes)
                {
                    slot = -1;
                    return Encoding.UTF8.GetString(utf8);
                }

                slot = SlotOf(utf8);
                if (_bytes[slot] is { } known && utf8.SequenceEqual(known))
                {
                    return _strings[slot]!;
                }

                var text = Encoding.UTF8.GetString(utf8);
                _bytes[slot] = utf8.ToArray();
                _strings[slot] = text;
                _participants[slot] = null;
                return text;
            }

            /// <summary>The unlisted participant <paramref name="author"/>, shared while its slot still holds that string.</summary>
            public Participant Participant(int slot, string author)
            {
                if (_participants[slot] is { } known && ReferenceEquals(known.Id, author))
                {
                    return known;
                }

                var participant = new Participant(author);
                if (ReferenceEquals(_strings[slot], author))
                {
                    _participants[slot] = participant;
                }

                return participant;
            }

            private static int SlotOf(ReadOnlySpan<byte> utf8)
            {
                ulong hash = (ulong)utf8.Length * 0x9E3779B97F4A7C15UL;
                foreach (var b in utf8)
                {
                    hash = (hash ^ b) * 0x100000001B3UL;
                }

                return (int)((hash ^ (hash >> 29)) & (Slots - 1));
            }
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
