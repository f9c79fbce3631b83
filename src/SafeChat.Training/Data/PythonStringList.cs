using System.Globalization;
using System.Text;

namespace SafeChat.Training.Data;

/// <summary>
/// Parses a Python list literal of strings (<c>['hey', "it's me", 'a\'b']</c>), as the VTPAN translation files store a
/// chat's messages. Only strings are accepted; escapes are Python's (<c>\\ \' \" \n \t \r \xNN \uNNNN \UNNNNNNNN</c>).
/// </summary>
internal static class PythonStringList
{
    public static List<string> Parse(string literal)
    {
        var result = new List<string>();
        int i = SkipSpace(literal, 0);
        Expect(literal, i, '[');
        i = SkipSpace(literal, i + 1);
        if (i < literal.Length && literal[i] == ']')
        {
            return End(literal, i + 1, result);
        }

        while (true)
        {
            i = ReadString(literal, i, out string value);
            result.Add(value);
            i = SkipSpace(literal, i);
            if (i < literal.Length && literal[i] == ',')
            {
                i = SkipSpace(literal, i + 1);
                if (i < literal.Length && literal[i] == ']')
                {
                    return End(literal, i + 1, result);
                }

                continue;
            }

            Expect(literal, i, ']');
            return End(literal, i + 1, result);
        }
    }

    private static List<string> End(string literal, int i, List<string> result) =>
        SkipSpace(literal, i) == literal.Length ? result : throw new FormatException($"unexpected text after the list at character {i + 1}");

    private static int ReadString(string s, int i, out string value)
    {
        if (i >= s.Length || (s[i] != '\'' && s[i] != '"'))
        {
            throw new FormatException($"expected a quoted string at character {i + 1}");
        }

        char quote = s[i++];
        var text = new StringBuilder();
        while (i < s.Length && s[i] != quote)
        {
            char c = s[i++];
            if (c != '\\')
            {
                text.Append(c);
                continue;
            }

            if (i >= s.Length)
            {
                break;
            }

            char e = s[i++];
            switch (e)
            {
                case 'n': text.Append('\n'); break;
                case 't': text.Append('\t'); break;
                case 'r': text.Append('\r'); break;
                case '\\' or '\'' or '"': text.Append(e); break;
                case '\n': break; // a line continuation
                case 'x': i = AppendCodePoint(s, i, 2, text); break;
                case 'u': i = AppendCodePoint(s, i, 4, text); break;
                case 'U': i = AppendCodePoint(s, i, 8, text); break;
                default: text.Append('\\').Append(e); break; // Python keeps unknown escapes as written
            }
        }

        if (i >= s.Length)
        {
            throw new FormatException("unterminated string");
        }

        value = text.ToString();
        return i + 1;
    }

    private static int AppendCodePoint(string s, int i, int digits, StringBuilder text)
    {
        if (i + digits > s.Length || !int.TryParse(s.AsSpan(i, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code)
            || code > 0x10FFFF)
        {
            throw new FormatException($"bad \\x/\\u escape at character {i}");
        }

        if (code is >= 0xD800 and <= 0xDFFF)
        {
            text.Append((char)code);
        }
        else
        {
            text.Append(char.ConvertFromUtf32(code));
        }

        return i + digits;
    }

    private static int SkipSpace(string s, int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }

        return i;
    }

    private static void Expect(string s, int i, char c)
    {
        if (i >= s.Length || s[i] != c)
        {
            throw new FormatException($"expected '{c}' at character {i + 1}");
        }
    }
}
