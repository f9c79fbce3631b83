using System.Globalization;

namespace SafeChat.Cli;

/// <summary>
/// A one-line progress bar on stderr (<c>label [#####.....] 40% 400/1000</c>), redrawn only when the percentage changes.
/// Quiet when the writer is null (stderr is not a terminal, or tests).
/// </summary>
internal sealed class ProgressBar(TextWriter? writer, string label, long total, TimeProvider timeProvider) : IDisposable
{
    private const int Width = 30;
    private readonly long _started = timeProvider.GetTimestamp();
    private long _done;
    private int _lastPercent = -1;
    private bool _drawn;

    /// <summary>Whether anything is drawn.</summary>
    public bool IsVisible => writer is not null && total > 0;

    /// <summary>Records that <paramref name="count"/> more items are done.</summary>
    public void Advance(long count = 1)
    {
        var done = Interlocked.Add(ref _done, count);
        if (!IsVisible)
        {
            return;
        }

        var percent = (int)Math.Clamp(done * 100 / total, 0, 100);
        if (percent == Volatile.Read(ref _lastPercent))
        {
            return;
        }

        lock (this)
        {
            if (percent <= _lastPercent)
            {
                return;
            }

            _lastPercent = percent;
            var filled = percent * Width / 100;
            var seconds = timeProvider.GetElapsedTime(_started).TotalSeconds;
            writer!.Write(string.Create(
                CultureInfo.InvariantCulture,
                $"\r{label} [{new string('#', filled)}{new string('.', Width - filled)}] {percent,3}% {Math.Min(done, total)}/{total} {seconds:0}s"));
            writer.Flush();
            _drawn = true;
        }
    }

    /// <summary>Erases the bar (it is drawn again at the next percent) so a message written next starts on a clean line.</summary>
    public void Clear()
    {
        lock (this)
        {
            if (_drawn)
            {
                writer!.Write("\r" + new string(' ', label.Length + Width + 30) + "\r");
                writer.Flush();
                _drawn = false;
            }
        }
    }

    /// <summary>Erases the bar so the next stderr line starts clean.</summary>
    public void Dispose() => Clear();

    /// <summary>A writer for other stderr messages during the run: it erases the bar before each one.</summary>
    public TextWriter Wrap(TextWriter error) => IsVisible ? new BarClearingWriter(error, this) : error;
}
