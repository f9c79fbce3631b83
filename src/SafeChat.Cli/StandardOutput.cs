using Microsoft.Win32.SafeHandles;

namespace SafeChat.Cli;

/// <summary>
/// Opens stdout so that a failed write is reported. The console stream on Unix silently drops writes to a closed pipe
/// (EPIPE), so <c>safechat score big.jsonl | head</c> would score the whole input into nowhere and exit 0; a plain
/// <see cref="FileStream"/> on file descriptor 1 reports "Broken pipe" instead, which the score command turns into one
/// clear error and exit code 1.
/// </summary>
internal static class StandardOutput
{
    public static Stream Open()
    {
        if (!OperatingSystem.IsWindows())
        {
            try
            {
                return new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                // A closed or unusable descriptor: the console stream reports it on the first write.
            }
        }

        return Console.OpenStandardOutput();
    }
}
