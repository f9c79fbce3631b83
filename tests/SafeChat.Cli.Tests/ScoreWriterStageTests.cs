using System.Text;
using SafeChat.Engine;
using SafeChat.Testing;

namespace SafeChat.Cli.Tests;

/// <summary>
/// Issue 12: <c>safechat score</c> writes results and invalid-line reports on a writer stage of its own while the engine
/// runs the next block. A failing writer must end the run with its failure (the engine must not wait forever to hand it
/// a block), and a failing output must be reported once with everything scored before it written.
/// </summary>
public class ScoreWriterStageTests
{
    private static byte[] ManyLines(int count, string? first = null)
    {
        var text = new StringBuilder();
        if (first is not null)
        {
            text.Append(first).Append('\n');
        }

        for (var i = 0; i < count; i++)
        {
            text.Append("{\"id\":\"c").Append(i).Append("\",\"messages\":[{\"author\":\"a\",\"text\":\"gg\"},{\"author\":\"b\",\"text\":\"wp\"}]}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    [Fact]
    public async Task RunAsync_ErrorWriterThrows_EndsWithItsExceptionAcrossManyBlocks()
    {
        using var output = new MemoryStream();
        using var error = new ThrowingWriter();

        var run = ScoreCommand.RunAsync(
            new ScoreSettings("<stdin>", SkipInvalid: true), new MarkerScorer(), policy: null, new MemoryStream(ManyLines(10_000, "not json")), output, error,
            TimeProvider.System, CancellationToken.None, new SafeChatEngineOptions());

        // A deadlock would show as a TimeoutException here instead of the writer's own failure.
        var thrown = await Assert.ThrowsAsync<IOException>(() => run.WaitAsync(TimeSpan.FromMinutes(2)));
        Assert.Equal("the error stream is gone", thrown.Message);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public async Task RunAsync_OutputFailsAfterSomeResults_ReportsItOnceKeepsEarlierResultsAndFails()
    {
        using var output = new FailingAfterStream(100_000);
        using var error = new StringWriter();

        var exit = await ScoreCommand.RunAsync(
            new ScoreSettings("<stdin>", SkipInvalid: false), new MarkerScorer(), policy: null, new MemoryStream(ManyLines(10_000)), output, error,
            TimeProvider.System, CancellationToken.None, new SafeChatEngineOptions());

        Assert.Equal(CliApplication.ExitFailure, exit);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.StartsWith("error: cannot write the output: disk full", StringComparison.Ordinal));
        Assert.StartsWith("scored ", lines[^1], StringComparison.Ordinal);
        var written = Encoding.UTF8.GetString(output.Written.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(written);
        Assert.All(written, (line, i) => Assert.StartsWith($"{{\"id\":\"c{i}\"", line, StringComparison.Ordinal));
    }

    private sealed class ThrowingWriter : StringWriter
    {
        public override Task WriteLineAsync(string? value) => throw new IOException("the error stream is gone");
    }

    /// <summary>Takes writes until <paramref name="limit"/> bytes, then fails every write like a full disk.</summary>
    private sealed class FailingAfterStream(int limit) : Stream
    {
        public MemoryStream Written { get; } = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written.Length;

        public override long Position { get => Written.Length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Written.Length + buffer.Length > limit)
            {
                throw new IOException("disk full");
            }

            Written.Write(buffer);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Written.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
