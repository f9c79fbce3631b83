using SafeChat.Conversations;

namespace SafeChat.Imaging;

/// <summary>
/// Reads hash lists. The format (docs/images-and-signals.md): UTF-8 text, one entry per line,
/// <c>type,hash,list[,label]</c> separated by commas or tabs; <c>type</c> is <c>pdq</c>, <c>md5</c> or <c>sha256</c>
/// (any case), <c>hash</c> the hex digits of that type (64, 32, 64; any case), <c>list</c> a non-empty name, <c>label</c>
/// optional free text without separators. Blank lines and lines starting with <c>#</c> are skipped, and so is a first
/// line <c>type,hash,list,label</c> (a header). Errors name the source and line, never its content.
/// </summary>
public static class HashListReader
{
    /// <summary>The longest list name or label kept (longer ones are refused).</summary>
    public const int MaxNameLength = 128;

    /// <summary>Reads every entry of a file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="HashListFormatException">A line is invalid.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<HashListEntry> ReadFile(string path)
    {
        using var reader = new StreamReader(path ?? throw new ArgumentNullException(nameof(path)));
        return [.. Read(reader, Path.GetFileName(path))];
    }

    /// <summary>Reads entries one by one (a million-line list is not held twice).</summary>
    /// <param name="reader">The text.</param>
    /// <param name="source">The name errors use (a file name).</param>
    /// <exception cref="HashListFormatException">A line is invalid.</exception>
    public static IEnumerable<HashListEntry> Read(TextReader reader, string source)
    {
        if (reader is null)
        {
            throw new ArgumentNullException(nameof(reader));
        }

        return ReadIterator(reader, source ?? "hash list");
    }

    /// <summary>Parses one line; null for a blank, comment or header line.</summary>
    /// <param name="line">The line.</param>
    /// <param name="source">The source name for errors.</param>
    /// <param name="lineNumber">The 1-based line number for errors.</param>
    /// <exception cref="HashListFormatException">The line is invalid.</exception>
    public static HashListEntry? ParseLine(string line, string source, int lineNumber)
    {
        if (line is null)
        {
            throw new ArgumentNullException(nameof(line));
        }

        var trimmed = line.Trim();
        if (trimmed.Length == 0 || trimmed[0] == '#')
        {
            return null;
        }

        var separator = trimmed.IndexOf('\t') >= 0 ? '\t' : ',';
        var fields = trimmed.Split(separator);
        if (lineNumber == 1 && string.Equals(fields[0].Trim(), "type", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (fields.Length < 3 || fields.Length > 4)
        {
            throw new HashListFormatException(source, lineNumber, $"expected 3 or 4 fields (type,hash,list[,label]), found {fields.Length}");
        }

        var type = fields[0].Trim().ToLowerInvariant();
        var length = ContentHashTypes.HexLength(type);
        if (length == 0)
        {
            throw new HashListFormatException(source, lineNumber, "unknown hash type (expected pdq, md5 or sha256)");
        }

        var hash = fields[1].Trim().ToLowerInvariant();
        if (hash.Length != length || !IsHex(hash))
        {
            throw new HashListFormatException(source, lineNumber, $"a {type} hash is {length} hex digits");
        }

        var list = fields[2].Trim();
        if (list.Length == 0 || list.Length > MaxNameLength)
        {
            throw new HashListFormatException(source, lineNumber, $"the list name must be 1 to {MaxNameLength} characters");
        }

        string? label = null;
        if (fields.Length == 4)
        {
            label = fields[3].Trim();
            if (label.Length > MaxNameLength)
            {
                throw new HashListFormatException(source, lineNumber, $"the label is longer than {MaxNameLength} characters");
            }

            label = label.Length == 0 ? null : label;
        }

        return new HashListEntry(type, hash, list, label);
    }

    /// <summary>Writes entries in the list format (comma separated, lowercase), for tools and tests.</summary>
    /// <param name="writer">The output.</param>
    /// <param name="entries">The entries.</param>
    public static void Write(TextWriter writer, IEnumerable<HashListEntry> entries)
    {
        if (writer is null)
        {
            throw new ArgumentNullException(nameof(writer));
        }

        foreach (var entry in entries ?? throw new ArgumentNullException(nameof(entries)))
        {
            writer.Write(entry.HashType + "," + entry.Hash + "," + entry.ListName);
            writer.WriteLine(entry.Label is null ? string.Empty : "," + entry.Label);
        }
    }

    internal static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<HashListEntry> ReadIterator(TextReader reader, string source)
    {
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (ParseLine(line, source, number) is { } entry)
            {
                yield return entry;
            }
        }
    }
}
