using System.Text;

namespace SafeChat.Cli;

/// <summary>Writes through to stderr, erasing the <see cref="ProgressBar"/> first so messages never share its line.</summary>
internal sealed class BarClearingWriter(TextWriter inner, ProgressBar bar) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        bar.Clear();
        inner.Write(value);
    }

    public override void Write(string? value)
    {
        bar.Clear();
        inner.Write(value);
    }

    public override void WriteLine(string? value)
    {
        bar.Clear();
        inner.WriteLine(value);
    }

    public override Task WriteAsync(string? value)
    {
        bar.Clear();
        return inner.WriteAsync(value);
    }

    public override Task WriteLineAsync(string? value)
    {
        bar.Clear();
        return inner.WriteLineAsync(value);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync() => inner.FlushAsync();
}
