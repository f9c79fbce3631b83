using System.Buffers;

namespace SafeChat.Inference.Text;

/// <summary>
/// Resolves the explicit bidi formatting characters the way a reader sees the text, so that text hidden behind a
/// right-to-left override is scored as displayed: <c>"\u202Ecip a em dnes"</c> shows as (and is scored as) "send me a pic".
/// </summary>
/// <remarks>
/// <para>A simplified form of the explicit part of the Unicode Bidirectional Algorithm (UAX #9, rules X1–X8 and L2):
/// RLO (U+202E) opens a run at the next odd level; LRO (U+202D), LRE (U+202A) and LRI (U+2066) open one at the next
/// even level; RLE (U+202B), RLI (U+2067) and FSI (U+2068) keep the level (on Latin text an embedding without an
/// override does not change what is displayed). PDF (U+202C) closes the last embedding or override, PDI (U+2069) the
/// last isolate and everything opened inside it, and a paragraph separator (line feed, carriage return, U+001C–U+001E,
/// U+0085, U+2029) closes them all. Nesting beyond 125 levels is ignored, as in UAX #9. Then, from the highest level
/// down to 1, every maximal run at that level or higher is reversed (by code point, so surrogate pairs stay whole),
/// and the nine control characters are removed.</para>
/// <para>Characters outside any override keep their logical order (right-to-left scripts are stored in reading order
/// already). The result never contains a bidi control, so applying it twice is the same as once.</para>
/// </remarks>
internal static class BidiControls
{
    private const int MaxLevel = 125;
    private const char Lre = '\u202A', Rle = '\u202B', Pdf = '\u202C', Lro = '\u202D', Rlo = '\u202E';
    private const char Lri = '\u2066', Rli = '\u2067', Fsi = '\u2068', Pdi = '\u2069';

    private static readonly SearchValues<char> Controls = SearchValues.Create("\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");

    /// <summary>Whether <paramref name="text"/> holds any explicit bidi formatting character.</summary>
    public static bool ContainsAny(ReadOnlySpan<char> text) => text.ContainsAny(Controls);

    /// <summary>The text in display order with the bidi formatting characters removed (see the class remarks).</summary>
    public static string Resolve(ReadOnlySpan<char> text)
    {
        var codePoints = ArrayPool<int>.Shared.Rent(text.Length);
        var levels = ArrayPool<byte>.Shared.Rent(text.Length);
        var stack = new Stack<(byte Level, bool Isolate)>();
        var overflow = 0;
        var count = 0;
        var maxLevel = 0;
        try
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                var level = stack.Count == 0 ? (byte)0 : stack.Peek().Level;
                switch (c)
                {
                    case Rlo:
                        Push(stack, (byte)(level % 2 == 0 ? level + 1 : level + 2), false, ref overflow);
                        continue;
                    case Lro or Lre or Lri:
                        Push(stack, (byte)(level % 2 == 0 ? level + 2 : level + 1), c == Lri, ref overflow);
                        continue;
                    case Rle or Rli or Fsi:
                        Push(stack, level, c != Rle, ref overflow);
                        continue;
                    case Pdf:
                        if (overflow > 0)
                        {
                            overflow--;
                        }
                        else if (stack.Count > 0 && !stack.Peek().Isolate)
                        {
                            stack.Pop();
                        }

                        continue;
                    case Pdi:
                        if (stack.Any(entry => entry.Isolate))
                        {
                            overflow = 0;
                            while (!stack.Pop().Isolate)
                            {
                            }
                        }

                        continue;
                    case '\n' or '\r' or '\u001C' or '\u001D' or '\u001E' or '\u0085' or '\u2029':
                        stack.Clear();
                        overflow = 0;
                        level = 0;
                        break;
                }

                var codePoint = (int)c;
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    codePoint = char.ConvertToUtf32(c, text[++i]);
                }

                codePoints[count] = codePoint;
                levels[count] = level;
                maxLevel = Math.Max(maxLevel, level);
                count++;
            }

            // UAX #9 rule L2: from the highest level down to the lowest odd level, reverse every run at that level or higher.
            for (var level = maxLevel; level >= 1; level--)
            {
                var start = 0;
                while (start < count)
                {
                    if (levels[start] < level)
                    {
                        start++;
                        continue;
                    }

                    var end = start;
                    while (end < count && levels[end] >= level)
                    {
                        end++;
                    }

                    codePoints.AsSpan(start, end - start).Reverse();
                    levels.AsSpan(start, end - start).Reverse();
                    start = end;
                }
            }

            var result = new CharBuffer(text.Length);
            try
            {
                Span<char> pair = stackalloc char[2];
                for (var i = 0; i < count; i++)
                {
                    var codePoint = codePoints[i];
                    if (codePoint > 0xFFFF)
                    {
                        pair[0] = (char)(0xD800 + ((codePoint - 0x10000) >> 10));
                        pair[1] = (char)(0xDC00 + ((codePoint - 0x10000) & 0x3FF));
                        result.Append(pair);
                    }
                    else
                    {
                        result.Append((char)codePoint);
                    }
                }

                return result.Written.ToString();
            }
            finally
            {
                result.Dispose();
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(codePoints);
            ArrayPool<byte>.Shared.Return(levels);
        }
    }

    private static void Push(Stack<(byte Level, bool Isolate)> stack, byte level, bool isolate, ref int overflow)
    {
        if (overflow > 0 || level > MaxLevel)
        {
            overflow++;
            return;
        }

        stack.Push((level, isolate));
    }
}
