using System.Buffers;
using System.Runtime.CompilerServices;

namespace SafeChat.Cli;

/// <summary>One raw line of a JSONL input: its 1-based number and bytes (valid until the next line is read).</summary>
internal readonly record struct JsonlLine(int Number, ReadOnlyMemory<byte> Bytes, bool TooLong);

/// <summary>Splits a byte stream into lines on '\n' (a trailing '\r' and a leading UTF-8 BOM are removed). No decoding happens here.</summary>
internal static class JsonlLineReader
{
    public const int DefaultMaxLineBytes = 64 * 1024 * 1024;

    public static async IAsyncEnumerable<JsonlLine> ReadAsync(
        Stream stream,
        int maxLineBytes = DefaultMaxLineBytes,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var buffer = new byte[64 * 1024];
        var line = new ArrayBufferWriter<byte>(1024);
        var number = 1;
        var tooLong = false;
        var pending = false;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var start = 0;
            while (start < read)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', start, read - start);
                var end = newline < 0 ? read : newline;
                if (!tooLong)
                {
                    if (line.WrittenCount + (end - start) > maxLineBytes)
                    {
                        tooLong = true;
                        line.ResetWrittenCount();
                    }
                    else
                    {
                        line.Write(buffer.AsSpan(start, end - start));
                    }
                }

                pending = true;
                if (newline < 0)
                {
                    break;
                }

                yield return new JsonlLine(number, Trim(line.WrittenMemory, number), tooLong);
                line.ResetWrittenCount();
                tooLong = false;
                pending = false;
                number++;
                start = newline + 1;
            }
        }

        if (pending)
        {
            yield return new JsonlLine(number, Trim(line.WrittenMemory, number), tooLong);
        }
    }

    private static ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> bytes, int number)
    {
        if (number == 1 && bytes.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        if (bytes.Length > 0 && bytes.Span[^1] == (byte)'\r')
        {
            bytes = bytes[..^1];
        }

        return bytes;
    }
}
