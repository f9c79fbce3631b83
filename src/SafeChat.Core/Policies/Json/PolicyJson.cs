using System.Text;
using System.Text.Json;

namespace SafeChat.Policies.Json;

/// <summary>The kinds of JSON value the policy reader keeps.</summary>
internal enum JsonKind
{
    Object,
    Array,
    String,
    Number,
    Boolean,
    Null,
}

/// <summary>A parsed JSON value that remembers where it starts in the source, so errors can name the line.</summary>
internal sealed class JsonValue
{
    public JsonValue(JsonKind kind, int offset)
    {
        Kind = kind;
        Offset = offset;
    }

    public JsonKind Kind { get; }

    /// <summary>The byte offset of the value's first token in the UTF-8 source.</summary>
    public int Offset { get; }

    public string? String { get; init; }

    public double Number { get; init; }

    /// <summary>True when the number token has no fraction or exponent.</summary>
    public bool IsInteger { get; init; }

    public bool Boolean { get; init; }

    public List<JsonProperty>? Properties { get; init; }

    public List<JsonValue>? Items { get; init; }

    public string KindName => Kind switch
    {
        JsonKind.Object => "an object",
        JsonKind.Array => "an array",
        JsonKind.String => "a string",
        JsonKind.Number => "a number",
        JsonKind.Boolean => "a boolean",
        _ => "null",
    };
}

/// <summary>One property of a JSON object, with the offset of its name.</summary>
internal sealed record JsonProperty(string Name, int NameOffset, JsonValue Value);

/// <summary>Malformed JSON, with its 1-based position.</summary>
internal sealed class JsonSyntaxError(int line, int column, string reason) : Exception(reason)
{
    public int Line { get; } = line;

    public int Column { get; } = column;
}

/// <summary>
/// Reads JSON (comments and trailing commas allowed) into <see cref="JsonValue"/>s and maps byte offsets to lines,
/// using <see cref="Utf8JsonReader.TokenStartIndex"/>.
/// </summary>
internal sealed class PolicyJsonDocument
{
    private const int MaxDepth = 64;
    private readonly byte[] _utf8;
    private readonly List<int> _lineStarts = [0];

    private PolicyJsonDocument(byte[] utf8)
    {
        _utf8 = utf8;
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public JsonValue Root { get; private set; } = null!;

    /// <summary>
    /// Parses <paramref name="text"/>; throws <see cref="JsonSyntaxError"/> when it is not JSON or holds a character that
    /// has no UTF-8 form (an unpaired surrogate), which would otherwise become U+FFFD without notice.
    /// </summary>
    public static PolicyJsonDocument Parse(string text)
    {
        var lone = PolicyText.FirstLoneSurrogate(text);
        if (lone >= 0)
        {
            var line = 1;
            var lineStart = 0;
            for (var i = 0; i < lone; i++)
            {
                if (text[i] == '\n')
                {
                    line++;
                    lineStart = i + 1;
                }
            }

            throw new JsonSyntaxError(line, lone - lineStart + 1, "an unpaired surrogate character (not valid Unicode text)");
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        var document = new PolicyJsonDocument(bytes);
        var reader = new Utf8JsonReader(
            new ReadOnlySpan<byte>(bytes, start, bytes.Length - start),
            new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = MaxDepth });
        try
        {
            if (!reader.Read())
            {
                throw new JsonSyntaxError(1, 1, "the file is empty; expected a JSON object");
            }

            document.Root = document.ReadValue(ref reader, start);
            if (reader.Read())
            {
                var (line, column) = document.Position(start + (int)reader.TokenStartIndex);
                throw new JsonSyntaxError(line, column, "unexpected content after the end of the policy object");
            }
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var column = (int)(ex.BytePositionInLine ?? 0) + 1;
            throw new JsonSyntaxError(line, column, "malformed JSON: " + PolicyText.Escape(TrimPosition(ex.Message), 160));
        }

        return document;
    }

    /// <summary>The 1-based line and column (in characters) of a byte offset.</summary>
    public (int Line, int Column) Position(int offset)
    {
        var index = _lineStarts.BinarySearch(offset);
        if (index < 0)
        {
            index = ~index - 1;
        }

        var lineStart = _lineStarts[index];
        var column = 1;
        for (var i = lineStart; i < offset && i < _utf8.Length; i++)
        {
            if ((_utf8[i] & 0xC0) != 0x80)
            {
                column++;
            }
        }

        return (index + 1, column);
    }

    private JsonValue ReadValue(ref Utf8JsonReader reader, int start)
    {
        var offset = start + (int)reader.TokenStartIndex;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var properties = new List<JsonProperty>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var nameOffset = start + (int)reader.TokenStartIndex;
                    var name = GetString(ref reader, nameOffset);
                    reader.Read();
                    properties.Add(new JsonProperty(name, nameOffset, ReadValue(ref reader, start)));
                }

                return new JsonValue(JsonKind.Object, offset) { Properties = properties };
            case JsonTokenType.StartArray:
                var items = new List<JsonValue>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader, start));
                }

                return new JsonValue(JsonKind.Array, offset) { Items = items };
            case JsonTokenType.String:
                return new JsonValue(JsonKind.String, offset) { String = GetString(ref reader, offset) };
            case JsonTokenType.Number:
                var isInteger = reader.TryGetInt64(out _);
                return new JsonValue(JsonKind.Number, offset) { Number = reader.GetDouble(), IsInteger = isInteger };
            case JsonTokenType.True:
            case JsonTokenType.False:
                return new JsonValue(JsonKind.Boolean, offset) { Boolean = reader.TokenType == JsonTokenType.True };
            default:
                return new JsonValue(JsonKind.Null, offset);
        }
    }

    private string GetString(ref Utf8JsonReader reader, int offset)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses strings with lone surrogate escapes such as "\ud800".
            var (line, column) = Position(offset);
            throw new JsonSyntaxError(line, column, "lone surrogate escape (\\uD800-\\uDFFF without its pair) in a string");
        }
    }

    private static string TrimPosition(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message.Substring(0, cut) : message).TrimEnd();
    }
}
