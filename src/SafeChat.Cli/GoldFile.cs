namespace SafeChat.Cli;

/// <summary>Opens input files with a clear error naming the path, and counts their lines for progress bars.</summary>
internal static class GoldFile
{
    public static async Task<FileStream?> OpenAsync(string path, TextWriter error)
    {
        var stream = TryOpen(path, out var message);
        if (stream is null)
        {
            await error.WriteLineAsync(message).ConfigureAwait(false);
        }

        return stream;
    }

    /// <summary>Opens the file, or gives null and the error line <see cref="OpenAsync"/> would write.</summary>
    public static FileStream? TryOpen(string path, out string? error)
    {
        try
        {
            error = null;
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = $"error: cannot read '{path}': {ex.Message}";
            return null;
        }
    }

    /// <summary>The number of non-empty lines (0 when the file cannot be read: the bar is then simply not drawn).</summary>
    public static long CountLines(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var buffer = new byte[64 * 1024];
            long lines = 0;
            var lineHasContent = false;
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] == (byte)'\n')
                    {
                        lines += lineHasContent ? 1 : 0;
                        lineHasContent = false;
                    }
                    else if (buffer[i] is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
                    {
                        lineHasContent = true;
                    }
                }
            }

            return lines + (lineHasContent ? 1 : 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return 0;
        }
    }
}
