using System.Globalization;
using System.Text;

namespace SafeChat.Policies.Json;

/// <summary>
/// Keeps error messages safe to print: C0 and C1 control characters, DEL, bidi controls and marks (U+061C, U+200E,
/// U+200F, U+202A–U+202E, U+2066–U+2069), line/paragraph separators and lone surrogates become <c>\uXXXX</c>, and echoed
/// values are cut. Escaping is idempotent (its output has none of those characters), so it can be applied at every layer.
/// </summary>
internal static class PolicyText
{
    /// <summary>How many characters of an echoed key or value an error shows.</summary>
    public const int EchoLimit = 64;

    public static bool NeedsEscape(char c) =>
        c < 0x20 || (c >= '\x7F' && c <= '\x9F')
        || c == '\u061C' || c == '\u200E' || c == '\u200F' || c == '\u2028' || c == '\u2029'
        || (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2066' && c <= '\u2069');

    /// <summary><paramref name="text"/> with unsafe characters as <c>\uXXXX</c>, cut to <paramref name="maxChars"/> characters.</summary>
    public static string Escape(string? text, int maxChars = int.MaxValue)
    {
        if (text is null)
        {
            return string.Empty;
        }

        var clean = true;
        foreach (var c in text)
        {
            if (NeedsEscape(c) || char.IsSurrogate(c))
            {
                clean = false;
                break;
            }
        }

        if (clean && text.Length <= maxChars)
        {
            return text;
        }

        var length = Math.Min(text.Length, maxChars);
        var builder = new StringBuilder(length + 8);
        for (var i = 0; i < length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (NeedsEscape(c) || char.IsSurrogate(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        if (length < text.Length)
        {
            builder.Append('…');
        }

        return builder.ToString();
    }

    /// <summary>An echoed key or value: escaped and cut to <see cref="EchoLimit"/> characters.</summary>
    public static string Echo(string? text) => Escape(text, EchoLimit);

    /// <summary>The byte offset of the first invalid UTF-8 sequence, or -1 when <paramref name="bytes"/> is valid UTF-8.</summary>
    public static int FirstInvalidUtf8(byte[] bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b < 0x80)
            {
                i++;
                continue;
            }

            int length;
            int min;
            if (b >= 0xC2 && b <= 0xDF)
            {
                length = 2;
                min = 0x80;
            }
            else if (b >= 0xE0 && b <= 0xEF)
            {
                length = 3;
                min = 0x800;
            }
            else if (b >= 0xF0 && b <= 0xF4)
            {
                length = 4;
                min = 0x10000;
            }
            else
            {
                return i;
            }

            if (i + length > bytes.Length)
            {
                return i;
            }

            var codePoint = b & (0xFF >> (length + 1));
            for (var k = 1; k < length; k++)
            {
                var next = bytes[i + k];
                if ((next & 0xC0) != 0x80)
                {
                    return i;
                }

                codePoint = (codePoint << 6) | (next & 0x3F);
            }

            if (codePoint < min || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
            {
                return i;
            }

            i += length;
        }

        return -1;
    }

    /// <summary>The 1-based line and column (in characters) of a byte offset in UTF-8 text.</summary>
    public static (int Line, int Column) Position(byte[] utf8, int offset)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < offset && i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                line++;
                column = 1;
            }
            else if ((utf8[i] & 0xC0) != 0x80)
            {
                column++;
            }
        }

        return (line, column);
    }

    /// <summary>The index of the first unpaired surrogate in <paramref name="text"/>, or -1.</summary>
    public static int FirstLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
