using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SafeChat.Cli;

/// <summary>
/// Makes untrusted text (ids, keys) safe to print: C0 and C1 controls, DEL, bidi embedding/override/isolate controls and
/// marks (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), line and paragraph separators and lone surrogates are
/// written as <c>\uXXXX</c>, so nothing read from the input can move the terminal cursor or reorder what is displayed.
/// </summary>
internal static class OutputText
{
    /// <summary>Whether <paramref name="c"/> is written as <c>\uXXXX</c>.</summary>
    public static bool NeedsEscape(char c) =>
        c < 0x20 || c is >= '\x7F' and <= '\x9F'
        || c is '\u061C' or '\u200E' or '\u200F' or '\u2028' or '\u2029'
        || c is >= '\u202A' and <= '\u202E'
        || c is >= '\u2066' and <= '\u2069'
        || char.IsSurrogate(c);

    /// <summary>
    /// <paramref name="text"/> with unsafe characters, backslashes and double quotes escaped, cut to
    /// <paramref name="maxChars"/> input characters (marked with an ellipsis).
    /// </summary>
    public static string Escape(string text, int maxChars = int.MaxValue)
    {
        var builder = new StringBuilder(Math.Min(text.Length, maxChars) + 8);
        AppendEscaped(builder, text, maxChars);
        return builder.ToString();
    }

    /// <summary>Writes <paramref name="value"/> as a JSON string with the unsafe characters escaped.</summary>
    public static void WriteString(Utf8JsonWriter writer, string propertyName, string value)
    {
        writer.WritePropertyName(propertyName);
        WriteStringValue(writer, value);
    }

    /// <summary>Writes <paramref name="value"/> as a JSON string with the unsafe characters escaped, under a name encoded once.</summary>
    public static void WriteString(Utf8JsonWriter writer, JsonEncodedText propertyName, string value)
    {
        writer.WritePropertyName(propertyName);
        WriteStringValue(writer, value);
    }

    /// <summary>Writes <paramref name="value"/> as a JSON string value with the unsafe characters escaped.</summary>
    public static void WriteStringValue(Utf8JsonWriter writer, string value)
    {
        // Printable ASCII without a quote or backslash is written as it is: the same bytes as below, without a builder.
        if (value.Length <= 256 && IsPlainAscii(value))
        {
            Span<byte> quoted = stackalloc byte[value.Length + 2];
            quoted[0] = (byte)'"';
            for (var i = 0; i < value.Length; i++)
            {
                quoted[i + 1] = (byte)value[i];
            }

            quoted[^1] = (byte)'"';
            writer.WriteRawValue(quoted, skipInputValidation: true);
            return;
        }

        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        AppendEscaped(builder, value, int.MaxValue);
        builder.Append('"');
        writer.WriteRawValue(builder.ToString(), skipInputValidation: true);
    }

    private static bool IsPlainAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or '"' or '\\')
            {
                return false;
            }
        }

        return true;
    }

    private static void AppendEscaped(StringBuilder builder, string text, int maxChars)
    {
        var length = Math.Min(text.Length, maxChars);
        for (var i = 0; i < length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (NeedsEscape(c))
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
    }
}
