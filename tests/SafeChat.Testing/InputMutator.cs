using System.Text;

namespace SafeChat.Testing;

/// <summary>
/// A seeded mutator for JSON inputs (issue 10 fuzzing): byte flips, truncations, duplicated keys, surrogate escapes,
/// huge numbers and extreme times, deep nesting, raw control, bidi and invalid UTF-8 bytes. The same seed always gives
/// the same mutations, so a failure names a reproducible (seed, iteration).
/// </summary>
public sealed class InputMutator(int seed)
{
    private static readonly string[] Keys =
    [
        "id", "messages", "text", "author", "time", "participants", "age", "age_assurance", "room", "kind",
        "rules", "actions", "action", "when", "cooldown", "cooldowns", "thresholds", "nudge", "risk", "harm", "min",
    ];

    private static readonly string[] Values =
    [
        "1e400", "-1e309", "99999999999999999999999999", "-0", "0.0000000000000000000001", "null", "true", "[]", "{}",
        "\"9999-12-31T23:59:59Z\"", "\"0001-01-01T00:00:00Z\"", "253402300799", "-62135596800", "\"23:59\"",
        "\"999999999d\"", "\"106751991d\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud83d\\udc7b\"", "\"\\u0000\"",
        "\"\\u202Ecip a em dnes\"", "\"\\u001B[2J\"", "\"self_declared\"", "\"direct\"", "14", "35", "\"14\"",
    ];

    private static readonly byte[][] Fragments =
    [
        "\\ud800"u8.ToArray(), "\\udfff"u8.ToArray(), "\\ud83d\\udc7b"u8.ToArray(), "\\u202e"u8.ToArray(),
        [0xE2, 0x80, 0xAE], [0xE2, 0x81, 0xA6], [0xC2, 0x85], [0xC2, 0x9B], [0x1B], [0x0D], [0x00], [0x7F], [0x0A],
        [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xEF, 0xBB, 0xBF],
        "\\"u8.ToArray(), "\""u8.ToArray(), ","u8.ToArray(), "}"u8.ToArray(), "]"u8.ToArray(), "{"u8.ToArray(),
    ];

    private readonly Random _random = new(seed);

    public int Next(int maxExclusive) => _random.Next(maxExclusive);

    /// <summary>One to three mutations of <paramref name="input"/>.</summary>
    public byte[] Mutate(byte[] input)
    {
        var bytes = new List<byte>(input);
        var count = 1 + _random.Next(3);
        for (var i = 0; i < count; i++)
        {
            Apply(bytes);
        }

        return [.. bytes];
    }

    private void Apply(List<byte> bytes)
    {
        var at = bytes.Count == 0 ? 0 : _random.Next(bytes.Count + 1);
        switch (_random.Next(9))
        {
            case 0 when bytes.Count > 0: // byte or bit flip
                var index = Math.Min(at, bytes.Count - 1);
                bytes[index] = _random.Next(2) == 0 ? (byte)_random.Next(256) : (byte)(bytes[index] ^ (1 << _random.Next(8)));
                break;
            case 1: // truncation
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 2: // a (possibly duplicate) key right after an opening brace
                var brace = FindAfter(bytes, (byte)'{', at);
                if (brace >= 0)
                {
                    var pair = $"\"{Keys[_random.Next(Keys.Length)]}\":{Values[_random.Next(Values.Length)]},";
                    bytes.InsertRange(brace + 1, Encoding.UTF8.GetBytes(pair));
                }

                break;
            case 3: // duplicate an existing "key":value pair in place
                DuplicatePair(bytes, at);
                break;
            case 4: // replace a value after a colon with a hostile one
                var colon = FindAfter(bytes, (byte)':', at);
                if (colon >= 0)
                {
                    var end = colon + 1;
                    while (end < bytes.Count && bytes[end] is not ((byte)',' or (byte)'}' or (byte)']'))
                    {
                        end++;
                    }

                    bytes.RemoveRange(colon + 1, end - colon - 1);
                    bytes.InsertRange(colon + 1, Encoding.UTF8.GetBytes(Values[_random.Next(Values.Length)]));
                }

                break;
            case 5: // deep nesting
                var depth = 1 + _random.Next(200);
                var open = _random.Next(2) == 0 ? "[" : "{\"a\":";
                var close = open == "[" ? "]" : "}";
                var nested = string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, _random.Next(2) == 0 ? depth : _random.Next(depth + 1)));
                bytes.InsertRange(at, Encoding.UTF8.GetBytes(nested));
                break;
            case 6: // raw control, bidi, surrogate-escape or invalid UTF-8 fragment
            case 7:
                bytes.InsertRange(at, Fragments[_random.Next(Fragments.Length)]);
                break;
            default: // delete a span
                if (bytes.Count > 0)
                {
                    var start = Math.Min(at, bytes.Count - 1);
                    bytes.RemoveRange(start, Math.Min(bytes.Count - start, 1 + _random.Next(8)));
                }

                break;
        }
    }

    private void DuplicatePair(List<byte> bytes, int at)
    {
        // Find a quote that starts a key ("name":) at or after `at` (else from the start), and copy "name":value, before it.
        foreach (var from in (int[])[at, 0])
        {
            if (TryDuplicatePairFrom(bytes, from))
            {
                return;
            }
        }
    }

    private static bool TryDuplicatePairFrom(List<byte> bytes, int from)
    {
        for (var i = FindFrom(bytes, (byte)'"', from); i >= 0; i = FindFrom(bytes, (byte)'"', i + 1))
        {
            var close = FindFrom(bytes, (byte)'"', i + 1);
            if (close < 0 || close + 1 >= bytes.Count || bytes[close + 1] != (byte)':')
            {
                continue;
            }

            var end = close + 2;
            var depth = 0;
            var inString = false;
            for (; end < bytes.Count; end++)
            {
                var b = bytes[end];
                if (inString)
                {
                    if (b == (byte)'\\')
                    {
                        end++;
                    }
                    else if (b == (byte)'"')
                    {
                        inString = false;
                    }

                    continue;
                }

                if (b == (byte)'"')
                {
                    inString = true;
                }
                else if (b is (byte)'{' or (byte)'[')
                {
                    depth++;
                }
                else if (b is (byte)'}' or (byte)']')
                {
                    if (depth == 0)
                    {
                        break;
                    }

                    depth--;
                }
                else if (b == (byte)',' && depth == 0)
                {
                    break;
                }
            }

            var pair = bytes.GetRange(i, Math.Min(end, bytes.Count) - i);
            pair.Add((byte)',');
            bytes.InsertRange(i, pair);
            return true;
        }

        return false;
    }

    private static int FindFrom(List<byte> bytes, byte value, int start)
    {
        for (var i = Math.Max(0, start); i < bytes.Count; i++)
        {
            if (bytes[i] == value)
            {
                return i;
            }
        }

        return -1;
    }

    private static int FindAfter(List<byte> bytes, byte value, int start)
    {
        for (var i = Math.Max(0, start); i < bytes.Count; i++)
        {
            if (bytes[i] == value)
            {
                return i;
            }
        }

        for (var i = 0; i < Math.Min(start, bytes.Count); i++)
        {
            if (bytes[i] == value)
            {
                return i;
            }
        }

        return -1;
    }
}
