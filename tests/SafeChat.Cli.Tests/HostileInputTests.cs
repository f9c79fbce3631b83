using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace SafeChat.Cli.Tests;

/// <summary>Issue 10, hostile input: every bad line gets a named error, never a crash or a silent change of verdict.</summary>
public partial class HostileInputTests
{
    private const string Good = """{"id":"ok","messages":[{"author":"a","text":"hi"},{"author":"b","text":"hello"}]}""";
    private const string Last = """{"id":"last","messages":[{"author":"a","text":"bye"}]}""";

    [GeneratedRegex(@"^scored (\d+) conversations, (\d+) messages in \d+\.\d\d s \(\d+\.\d messages/s\)$")]
    private static partial Regex SummaryLine();

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static Task<CliRun> ScoreAsync(params string[] lines) =>
        new CliRunner().RunAsync(["score", "-", "--skip-invalid"], Utf8(string.Join("\n", lines) + "\n"));

    // ---- 1. Extreme and overflowing times ------------------------------------------------------------------------

    [Theory]
    [InlineData("\"9999-12-31T23:59:59Z\"")]
    [InlineData("\"9999-12-31T23:59:59-01:00\"")]
    [InlineData("\"0001-01-01T00:00:00Z\"")]
    [InlineData("\"1899-12-31T23:59:59Z\"")]
    [InlineData("\"2200-01-01T00:00:00Z\"")]
    [InlineData("253402300799")]
    [InlineData("-62135596800")]
    [InlineData("1e300")]
    [InlineData("1e400")]
    [InlineData("\"1e400\"")]
    [InlineData("1746205200000")]
    public async Task Score_ExtremeTimeFollowedByAMessageWithoutTime_IsANamedErrorAndTheRestContinues(string time)
    {
        var line = $$"""{"id":"t","messages":[{"author":"a","text":"x"},{"author":"a","text":"x"},{"author":"a","time":{{time}},"text":"x"},{"author":"b","text":"y"}]}""";

        var run = await ScoreAsync(Good, line, Last);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["ok", "last"], run.Results.Select(r => r.GetProperty("id").GetString()));
        Assert.StartsWith("<stdin>:2: messages[2].time: out of range", run.StderrLines[0]);
        Assert.EndsWith("(skipped)", run.StderrLines[0]);
        Assert.Equal("skipped 1 invalid line", run.StderrLines[1]);
        Assert.Matches(SummaryLine(), run.StderrLines[^1]);
    }

    [Fact]
    public async Task Score_ExtremeTimeWithoutSkipInvalid_StopsWithTheFieldAndWritesTheSummary()
    {
        var line = """{"id":"t","messages":[{"author":"a","time":"9999-12-31T23:59:59Z","text":"x"},{"author":"b","text":"y"}]}""";

        var run = await new CliRunner().RunAsync(["score", "-"], Utf8(Good + "\n" + line + "\n" + Last));

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Results);
        Assert.StartsWith("error: <stdin>:2: messages[0].time: out of range", run.StderrLines[0]);
        Assert.Matches(SummaryLine(), run.StderrLines[^1]);
    }

    [Fact]
    public void TryParse_LatestAcceptedTimeThenMissingTimes_SyntheticTimesDoNotOverflow()
    {
        var json = """{"id":"t","messages":[{"time":"2199-12-31T23:59:58Z"},{"time":null},{},{"time":"x"}]}""";

        Assert.True(ConversationParser.TryParse(Utf8(json), out var conversation, out var error), error);

        Assert.Equal(
            [new DateTimeOffset(2199, 12, 31, 23, 59, 58, TimeSpan.Zero), new DateTimeOffset(2199, 12, 31, 23, 59, 59, TimeSpan.Zero),
             new DateTimeOffset(2200, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2200, 1, 1, 0, 0, 1, TimeSpan.Zero)],
            conversation!.Messages.Select(m => m.Time));
    }

    [Fact]
    public void TryParse_TimeOfDayOnADatePastTheRange_IsOutOfRange()
    {
        var json = """{"id":"t","messages":[{"time":"2199-12-31T23:59:59Z"},{},{"time":"00:00:05"}]}""";

        Assert.False(ConversationParser.TryParse(Utf8(json), out _, out var error));

        Assert.StartsWith("messages[2].time: out of range", error);
    }

    // ---- 3. Duplicate keys ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData("""{"id":"d","messages":[{"author":"a","text":"[secrecy]"}],"messages":[]}""", "messages")]
    [InlineData("""{"id":"d","id":"e","messages":[]}""", "id")]
    [InlineData("""{"id":"d","participants":[],"messages":[],"participants":[]}""", "participants")]
    [InlineData("""{"id":"d","messages":[{"author":"a","text":"hi"},{"author":"a","text":"hi"},{"author":"a","text":"[secrecy]","text":"hi"}]}""", "messages[2].text")]
    [InlineData("""{"id":"d","messages":[{"author":"a","author":"b","text":"hi"}]}""", "messages[0].author")]
    [InlineData("""{"id":"d","messages":[{"author":"a","time":1,"time":2}]}""", "messages[0].time")]
    [InlineData("""{"id":"d","messages":[{"author":"a","label":1,"label":2}]}""", "messages[0].label")]
    [InlineData("""{"id":"d","participants":[{"id":"a","age":35,"age":14}],"messages":[]}""", "participants[0].age")]
    [InlineData("""{"id":"d","participants":[{"id":"a","age":35,"age_assurance":"verified","age_assurance":"self_declared"}],"messages":[]}""", "participants[0].age_assurance")]
    [InlineData("""{"id":"d","room":{"kind":"public","kind":"direct"},"messages":[]}""", "room.kind")]
    [InlineData("""{"id":"d","messages":[{"author":"a","text":"[secrecy]","t\u0065xt":"hi"}]}""", "messages[0].text")]
    public async Task Score_DuplicateKey_RejectsTheLineNamingTheKeyPath(string line, string path)
    {
        var run = await ScoreAsync(Good, line, Last);

        Assert.Equal(["ok", "last"], run.Results.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal($"<stdin>:2: duplicate key \"{path}\" (skipped)", run.StderrLines[0]);
    }

    [Fact]
    public async Task Score_ParticipantListedTwice_RejectsTheLineInsteadOfKeepingTheLastAge()
    {
        var line = """{"id":"d","participants":[{"id":"a","age":35},{"id":"a","age":14}],"messages":[{"author":"a","text":"hi"}]}""";

        var run = await ScoreAsync(line);

        Assert.Empty(run.Results);
        Assert.Equal("<stdin>:1: participants[1].id: participant listed twice (skipped)", run.StderrLines[0]);
    }

    [Fact]
    public async Task Score_DuplicateMessagesKey_NoLongerTurnsAFlaggedConversationIntoRiskZero()
    {
        var flagged = """{"id":"g","messages":[{"author":"m","text":"[age_probe] [secrecy] [off_platform]"}]""";

        var clean = await ScoreAsync(flagged + "}");
        var duplicated = await ScoreAsync(flagged + ""","messages":[{"author":"m","text":"hi"}]}""");

        Assert.True(clean.Results.Single().GetProperty("flagged").GetBoolean());
        Assert.Empty(duplicated.Results);
        Assert.Contains("duplicate key \"messages\"", duplicated.Stderr);
    }

    // ---- 4. Lone surrogates --------------------------------------------------------------------------------------

    [Theory]
    [InlineData("""{"id":"s","messages":[{"author":"a","text":"hi \ud800 there"}]}""", "messages[0].text")]
    [InlineData("""{"id":"s","messages":[{"author":"a","text":"ok"},{"author":"a","text":"\udc00"}]}""", "messages[1].text")]
    [InlineData("""{"id":"s","messages":[{"author":"a","text":"\udc00\ud800"}]}""", "messages[0].text")]
    [InlineData("""{"id":"s","messages":[{"author":"\ud800","text":"hi"}]}""", "messages[0].author")]
    [InlineData("""{"id":"s","messages":[{"author":"a","time":"\ud800","text":"hi"}]}""", "messages[0].time")]
    [InlineData("""{"id":"\ud800","messages":[]}""", "id")]
    [InlineData("""{"id":"s","participants":[{"id":"\ud800"}],"messages":[]}""", "participants[0].id")]
    [InlineData("""{"id":"s","participants":[{"id":"a","age":"\ud800"}],"messages":[]}""", "participants[0].age")]
    [InlineData("""{"id":"s","participants":[{"id":"a","age":14,"age_assurance":"\ud800"}],"messages":[]}""", "participants[0].age_assurance")]
    [InlineData("""{"id":"s","room":{"kind":"\ud800"},"messages":[]}""", "room.kind")]
    public async Task Score_LoneSurrogateEscape_IsANamedErrorForTheField(string line, string path)
    {
        var run = await ScoreAsync(line, Last);

        Assert.Equal(["last"], run.Results.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal($"<stdin>:1: {path}: lone surrogate escape (\\uD800-\\uDFFF without its pair) in a string (skipped)", run.StderrLines[0]);
    }

    [Fact]
    public async Task Score_LoneSurrogateInAKey_IsANamedError()
    {
        var run = await ScoreAsync("""{"id":"s","messages":[{"\ud800":1}]}""");

        Assert.Equal("<stdin>:1: a key in messages[0]: lone surrogate escape in a key (skipped)", run.StderrLines[0]);
    }

    [Fact]
    public async Task Score_SurrogatePairEscape_IsReadAsOneCharacter()
    {
        var runner = new CliRunner();

        var run = await runner.RunAsync(["score", "-"], Utf8("""{"id":"s","messages":[{"author":"a","text":"snap \ud83d\udc7b"}]}"""));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("snap 👻", runner.Scorer.SeenTexts);
    }

    // ---- 5. No message text or ids in errors; escaped ids in output ----------------------------------------------

    [Theory]
    [InlineData("""{"id":"x","messages":[{"author":"bob_the_user","text":tmy secret is here, from bob_the_user"}]}""")]
    [InlineData("""{"id":"x","messages":[{"author":"bob_the_user","text":nmy secret is here, from bob_the_user"}]}""")]
    [InlineData("""{"id":"x","messages":[{"author":"bob_the_user","text":fa"my secret is here, from bob_the_user"}]}""")]
    [InlineData("""{"id":"x","messages":[{"author":"bob_the_user","text":"my secret is here"}] trueish bob_the_user my secret is here}""")]
    [InlineData("""{"id":"x","messages":[{"author":"bob_the_user","text":"my secret is here"}, tralala bob_the_user my secret is here]}""")]
    [InlineData("""{"id":"x","messages":[{"author":"bob_the_user","text":"my secret is here"}, nulll bob_the_user my secret is here]}""")]
    [InlineData("""{"id":"x","messages":[{"author":"bob_the_user","text":"my secret is here \x bob_the_user"}]}""")]
    [InlineData("""{"id":"x","messages":[{"author":"bob_the_user","text":"my secret is here"}]} bob_the_user my secret is here""")]
    public async Task Score_MalformedJson_ErrorNamesTheByteButNoTextOrIds(string line)
    {
        var padded = line.Replace("my secret is here", "my secret is here " + new string('z', 5000), StringComparison.Ordinal);

        var run = await ScoreAsync(padded);

        var error = run.StderrLines[0];
        Assert.StartsWith("<stdin>:1: invalid JSON at byte ", error);
        Assert.DoesNotContain("secret", error);
        Assert.DoesNotContain("bob", error);
        Assert.DoesNotContain("zzz", error);
        Assert.True(error.Length < 260, error);
    }

    [Theory]
    [InlineData("'tralala bob secret' is an invalid JSON literal. Expected the literal 'true'. LineNumber: 0 | BytePositionInLine: 3.", "the token is an invalid JSON literal. Expected the literal 'true'")]
    [InlineData("'}' is invalid after a single JSON value. Expected end of data. LineNumber: 0 | BytePositionInLine: 8.", "the character is invalid after a single JSON value. Expected end of data")]
    [InlineData("'0x01' is invalid within a JSON string. The string should be correctly escaped. LineNumber: 0 | BytePositionInLine: 40.", "the character is invalid within a JSON string. The string should be correctly escaped")]
    [InlineData("'it' is 'weird' is an invalid JSON literal. Expected the literal 'null'.", "the token is an invalid JSON literal. Expected the literal 'null'")]
    [InlineData("Expected end of string, but instead reached end of data. LineNumber: 0 | BytePositionInLine: 45.", "Expected end of string, but instead reached end of data")]
    public void JsonReason_QuotedInput_IsReplacedAndThePositionDropped(string message, string expected)
    {
        Assert.Equal(expected, ConversationParser.JsonReason(message));
    }

    [Fact]
    public async Task Score_IdsWithBidiAndControlCharacters_AreEscapedInTheOutput()
    {
        var line = """{"id":"a\u202Eevil\u202C\u2066\u001B[31m\u0085","messages":[{"author":"m\u202Eallory","text":"[age_probe] [secrecy] [off_platform]"}]}""";

        var run = await ScoreAsync(line);

        var raw = run.StdoutLines.Single();
        Assert.Contains("\"id\":\"a\\u202Eevil\\u202C\\u2066\\u001B[31m\\u0085\"", raw);
        Assert.Contains("\"flagged_authors\":[\"m\\u202Eallory\"]", raw);
        Assert.DoesNotContain('\u202E', raw);
        Assert.DoesNotContain('\u001B', raw);
        var result = run.Results.Single();
        Assert.Equal("a\u202Eevil\u202C\u2066\u001B[31m\u0085", result.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Score_DuplicateKeyWithControlCharacters_IsEscapedAndCutInTheError()
    {
        var key = "\\u001B]0;pwned\\u0007\\u202E" + new string('k', 300);
        var run = await ScoreAsync($$"""{"id":"d","messages":[],"{{key}}":1,"{{key}}":2}""");

        var error = run.StderrLines[0];
        Assert.StartsWith("<stdin>:1: duplicate key \"\\u001B]0;pwned\\u0007\\u202Ekkk", error);
        Assert.DoesNotContain('\u001B', error);
        Assert.DoesNotContain('\u202E', error);
        Assert.True(error.Length < 150, error);
    }

    // ---- 2. Closed or full output --------------------------------------------------------------------------------

    [Fact]
    public async Task Score_OutputThatFailsToWrite_StopsWithOneClearErrorAndTheSummary()
    {
        var app = new CliApplication(_ => new Testing.MarkerScorer(), _ => null, TimeProvider.System);
        using var error = new StringWriter();
        var input = Utf8(string.Join("\n", Enumerable.Repeat(Good, 50)));

        var exit = await app.RunAsync(["score", "-"], new MemoryStream(input), new BrokenPipeStream(), error, CancellationToken.None);

        Assert.Equal(1, exit);
        var lines = error.ToString().ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("error: cannot write the output: Broken pipe", Assert.Single(lines, l => l.StartsWith("error:", StringComparison.Ordinal)));
        Assert.Matches(SummaryLine(), lines[^1]);
    }

    [Fact]
    public async Task Score_OutputStreamAlreadyClosed_StopsWithOneClearError()
    {
        var app = new CliApplication(_ => new Testing.MarkerScorer(), _ => null, TimeProvider.System);
        using var error = new StringWriter();
        var closed = new MemoryStream();
        closed.Dispose();

        var exit = await app.RunAsync(["score", "-"], new MemoryStream(Utf8(Good)), closed, error, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains("error: cannot write the output: the output stream is closed", error.ToString());
        Assert.Matches(SummaryLine(), error.ToString().Trim().Split('\n')[^1].TrimEnd('\r'));
    }

    [Fact]
    public async Task Score_RealProcessWritingToDevFull_ExitsOneWithAClearError()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/dev/full"))
        {
            return;
        }

        var (exit, stderr) = await RunShellAsync($"\"$0\" score \"$1\" > /dev/full", CliRunner.Fixture("demo.jsonl"));

        Assert.Equal(1, exit);
        Assert.Contains("error: cannot write the output: No space left on device", stderr);
        Assert.Matches(SummaryLine(), stderr.Trim().Split('\n')[^1]);
    }

    [Fact]
    public async Task Score_RealProcessWhoseReaderClosesThePipe_ExitsOneWithAClearError()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // Enough output to overflow the pipe buffer after the reader has gone (| head -c 10).
        var input = await CliRunner.WriteTempAsync("many.jsonl", Utf8(string.Join("\n", Enumerable.Range(0, 3000).Select(i => Good.Replace("\"ok\"", $"\"conversation-{i:D6}-with-a-long-id\"", StringComparison.Ordinal)))));

        var (exit, stderr) = await RunShellAsync("\"$0\" score \"$1\" | head -c 10 > /dev/null; exit ${PIPESTATUS[0]}", input);

        Assert.Equal(1, exit);
        Assert.Contains("error: cannot write the output: Broken pipe", stderr);
        Assert.Matches(SummaryLine(), stderr.Trim().Split('\n')[^1]);
    }

    [Fact]
    public async Task Score_InputThatPausesAfterALine_WritesThatResultBeforeReadingOn()
    {
        // Results are not flushed per line any more, but a result is still written as soon as the next one is not
        // ready: the input waits (up to a minute, a deadlock guard) until the first result has reached the output.
        var output = new SignallingStream();
        var input = new PausingInputStream(Utf8(Good + "\n"), Utf8(Last + "\n"), output.FirstWrite);
        using var error = new StringWriter();
        var app = new CliApplication(_ => new Testing.MarkerScorer(), _ => null, TimeProvider.System);

        var exit = await app.RunAsync(["score", "-"], input, output, error, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.True(input.SawFirstResultBeforeSecondLine);
        Assert.Equal(["ok", "last"], new CliRun(exit, Encoding.UTF8.GetString(output.ToArray()), error.ToString()).Results.Select(r => r.GetProperty("id").GetString()));
    }

    private static async Task<(int Exit, string Stderr)> RunShellAsync(string script, string argument)
    {
        var start = new ProcessStartInfo("/bin/bash")
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "safechat"));
        start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, stderr.ReplaceLineEndings("\n"));
    }

    /// <summary>A stdout whose reader went away: every write fails like EPIPE.</summary>
    private sealed class BrokenPipeStream : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("Broken pipe");
    }

    /// <summary>A memory stream that completes <see cref="FirstWrite"/> when something is written.</summary>
    private sealed class SignallingStream : MemoryStream
    {
        private readonly TaskCompletionSource _firstWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstWrite => _firstWrite.Task;

        public override void Write(byte[] buffer, int offset, int count)
        {
            base.Write(buffer, offset, count);
            _firstWrite.TrySetResult();
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.ToArray(), 0, buffer.Length);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Hands out the first chunk, then waits for <c>gate</c> before the second, like a person typing.</summary>
    private sealed class PausingInputStream(byte[] first, byte[] second, Task gate) : Stream
    {
        private int _chunk;

        public bool SawFirstResultBeforeSecondLine { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            switch (_chunk++)
            {
                case 0:
                    first.CopyTo(buffer);
                    return first.Length;
                case 1:
                    SawFirstResultBeforeSecondLine = await Task.WhenAny(gate, Task.Delay(TimeSpan.FromMinutes(1), cancellationToken)) == gate;
                    second.CopyTo(buffer);
                    return second.Length;
                default:
                    return 0;
            }
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
