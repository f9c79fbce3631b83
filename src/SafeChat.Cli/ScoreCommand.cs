using System.Buffers;
using System.Globalization;
using System.Threading.Channels;
using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Policies;
using SafeChat.Scoring;

namespace SafeChat.Cli;

/// <summary>What <c>safechat score</c> was asked to do.</summary>
/// <param name="InputName">The input's name in messages (the path, or &lt;stdin&gt;).</param>
/// <param name="SkipInvalid">Report invalid lines and go on instead of stopping.</param>
internal sealed record ScoreSettings(string InputName, bool SkipInvalid);

/// <summary>
/// <c>safechat score</c>: reads conversation JSONL, streams every conversation through a <see cref="SafeChatEngine"/>
/// message by message, and writes one result line per conversation in input order. Message texts are scored in
/// batches on worker threads (several conversations ahead of the writer); the engine itself sees the conversations one
/// at a time, in input order, so per-user counters are deterministic.
/// </summary>
internal static class ScoreCommand
{
    private const int ScoreBatchSize = 256;
    private const int OutputBufferBytes = 64 * 1024;

    public static async Task<int> RunAsync(
        ScoreSettings settings,
        ISafetyScorer scorer,
        IMessagePolicy? policy,
        Stream input,
        Stream outputStream,
        TextWriter error,
        TimeProvider timeProvider,
        CancellationToken cancellationToken,
        SafeChatEngineOptions? engineOptions = null)
    {
        var started = timeProvider.GetTimestamp();
        engineOptions ??= new SafeChatEngineOptions();
        var engine = new SafeChatEngine(scorer, engineOptions, policy, timeProvider: timeProvider);
        var conversations = 0;
        long messages = 0;
        var skipped = 0;
        var exitCode = CliApplication.ExitOk;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pipeline = Channel.CreateBounded<Task<Prepared>>(new BoundedChannelOptions(Math.Max(2, Environment.ProcessorCount * 2))
        {
            SingleReader = true,
            SingleWriter = true,
        });
        var producer = Task.Run(() => ProduceAsync(input, settings, scorer, engine, pipeline.Writer, stop.Token), CancellationToken.None);

        // Results are collected in one buffer and written when it fills, when the next result is not ready yet (so an
        // interactive run still sees each result as soon as it is scored) and at the end: no write and flush per line.
        var output = new ArrayBufferWriter<byte>(OutputBufferBytes + 4096);
        string? outputError = null;
        try
        {
            while (outputError is null && await pipeline.Reader.WaitToReadAsync(stop.Token).ConfigureAwait(false))
            {
                if (!pipeline.Reader.TryRead(out var next))
                {
                    continue;
                }

                if (!next.IsCompleted)
                {
                    outputError = await FlushAsync(output, outputStream, stop.Token).ConfigureAwait(false);
                    if (outputError is not null)
                    {
                        break;
                    }
                }

                var prepared = await next.ConfigureAwait(false);
                if (prepared.Error is not null)
                {
                    var where = $"{settings.InputName}:{prepared.LineNumber}";
                    if (prepared.IsFatal || !settings.SkipInvalid)
                    {
                        await error.WriteLineAsync($"error: {where}: {prepared.Error}").ConfigureAwait(false);
                        exitCode = CliApplication.ExitFailure;
                        break;
                    }

                    await error.WriteLineAsync($"{where}: {prepared.Error} (skipped)").ConfigureAwait(false);
                    skipped++;
                    continue;
                }

                var conversation = prepared.Conversation!;
                ConversationResult result;
                try
                {
                    result = await RunConversationAsync(engine, engineOptions, conversation, prepared.Signals!, prepared.LineNumber, stop.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A scorer or policy failure is not the input's fault, but it still names the line it happened on.
                    await error.WriteLineAsync($"error: {settings.InputName}:{prepared.LineNumber}: scoring failed: {OutputText.Escape(ex.Message, 200)}").ConfigureAwait(false);
                    exitCode = CliApplication.ExitFailure;
                    break;
                }

                result.WriteTo(output);
                output.Write("\n"u8);
                conversations++;
                messages += conversation.Messages.Count;
                if (output.WrittenCount >= OutputBufferBytes || pipeline.Reader.Count == 0)
                {
                    outputError = await FlushAsync(output, outputStream, stop.Token).ConfigureAwait(false);
                }
            }

            outputError ??= await FlushAsync(output, outputStream, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (outputError is not null)
        {
            // A closed pipe (| head) or a full disk: say so once, stop reading, and still close with the summary.
            await error.WriteLineAsync($"error: cannot write the output: {outputError}").ConfigureAwait(false);
            exitCode = CliApplication.ExitFailure;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (skipped > 0)
        {
            await error.WriteLineAsync($"skipped {skipped} invalid line{(skipped == 1 ? "" : "s")}").ConfigureAwait(false);
        }

        var seconds = timeProvider.GetElapsedTime(started).TotalSeconds;
        var rate = seconds > 0 ? messages / seconds : 0;
        await error.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"scored {conversations} conversations, {messages} messages in {seconds:0.00} s ({rate:0.0} messages/s)")).ConfigureAwait(false);
        return exitCode;
    }

    /// <summary>Writes and flushes the buffered results; returns the reason when the output cannot be written.</summary>
    private static async Task<string?> FlushAsync(ArrayBufferWriter<byte> buffer, Stream output, CancellationToken cancellationToken)
    {
        try
        {
            if (buffer.WrittenCount > 0)
            {
                await output.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                buffer.ResetWrittenCount();
            }

            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException or UnauthorizedAccessException)
        {
            buffer.ResetWrittenCount();
            return ex is ObjectDisposedException ? "the output stream is closed" : OutputReason(ex.InnerException is IOException inner ? inner.Message : ex.Message);
        }
    }

    private static string OutputReason(string message)
    {
        // The OS reason ("Broken pipe", "No space left on device") on one line, without paths or long detail.
        var line = message.ReplaceLineEndings(" ").Trim();
        return line.Length > 120 ? line[..120] + "…" : line;
    }

    private static async Task<ConversationResult> RunConversationAsync(
        SafeChatEngine engine,
        SafeChatEngineOptions options,
        InputConversation conversation,
        MessageSignals[] signals,
        int lineNumber,
        CancellationToken cancellationToken)
    {
        // Each input line is its own conversation, even when two lines share an id.
        var key = "line-" + lineNumber.ToString(CultureInfo.InvariantCulture);
        var room = new Room(key, conversation.RoomKind);
        // One shared roster; each sender's recipients are a view of it without the sender (no per-author copies, so the
        // cost stays linear in the number of participants and speakers).
        var roster = new Participant[conversation.Participants.Count];
        var positions = new Dictionary<string, int>(roster.Length, StringComparer.Ordinal);
        foreach (var participant in conversation.Participants.Values)
        {
            positions[participant.Id] = positions.Count;
            roster[positions.Count - 1] = participant;
        }

        var result = new ConversationResult(conversation.Id, engine, options.SignalThreshold);
        try
        {
            for (var i = 0; i < conversation.Messages.Count; i++)
            {
                var message = conversation.Messages[i];
                var position = positions[message.Author];
                var sender = roster[position];
                var recipients = new RosterExcept(roster, position);
                var envelope = new MessageEnvelope(
                    new ChatMessage(i.ToString(CultureInfo.InvariantCulture), key, message.Author, message.Text, message.Time),
                    room,
                    sender,
                    recipients)
                {
                    PrecomputedSignals = signals[i],
                    RecipientRelationships = conversation.Relationships.TryGetValue(message.Author, out var related) ? related : null,
                };
                result.Add(await engine.ProcessAsync(envelope, cancellationToken).ConfigureAwait(false));
            }
        }
        finally
        {
            await engine.EndConversationAsync(key, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private static async Task ProduceAsync(
        Stream input,
        ScoreSettings settings,
        ISafetyScorer scorer,
        SafeChatEngine engine,
        ChannelWriter<Task<Prepared>> writer,
        CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var line in JsonlLineReader.ReadAsync(input, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (!line.TooLong && ConversationParser.IsBlank(line.Bytes.Span))
                {
                    continue;
                }

                Task<Prepared> item;
                if (line.TooLong)
                {
                    item = Task.FromResult(Prepared.Invalid(line.Number, $"line longer than {JsonlLineReader.DefaultMaxLineBytes / (1024 * 1024)} MiB"));
                }
                else if (!TryParse(line.Bytes, out var conversation, out var reason))
                {
                    item = Task.FromResult(Prepared.Invalid(line.Number, reason!));
                }
                else
                {
                    var number = line.Number;
                    item = Task.Run(() => Score(number, conversation!, scorer, engine), cancellationToken);
                }

                await writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
                if (item.IsCompleted && item.Result.Error is not null && !settings.SkipInvalid)
                {
                    break;
                }
            }
        }
        catch (IOException ex)
        {
            await writer.WriteAsync(Task.FromResult(Prepared.Fatal(0, $"cannot read the input: {ex.Message}")), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            writer.TryComplete();
        }
    }

    private static bool TryParse(ReadOnlyMemory<byte> bytes, out InputConversation? conversation, out string? reason)
    {
        try
        {
            return ConversationParser.TryParse(bytes, out conversation, out reason);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Never reached by any known input (the fuzz test checks); a line the parser cannot handle is still only that line's error.
            conversation = null;
            reason = $"unreadable line ({ex.GetType().Name})";
            return false;
        }
    }

    private static Prepared Score(int lineNumber, InputConversation conversation, ISafetyScorer scorer, SafeChatEngine engine)
    {
        var signalCount = scorer.Descriptor.SignalNames.Count;
        var signals = new MessageSignals[conversation.Messages.Count];
        var texts = new List<string>(Math.Min(ScoreBatchSize, conversation.Messages.Count));
        var positions = new List<int>(texts.Capacity);
        try
        {
            for (var i = 0; i < conversation.Messages.Count; i++)
            {
                var text = engine.TextForScoring(conversation.Messages[i].Text);
                if (text.Length == 0)
                {
                    signals[i] = MessageSignals.Empty(signalCount);
                    continue;
                }

                texts.Add(text);
                positions.Add(i);
                if (texts.Count == ScoreBatchSize)
                {
                    ScoreBatch(scorer, texts, positions, signals);
                }
            }

            ScoreBatch(scorer, texts, positions, signals);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Prepared.Fatal(lineNumber, $"the scorer failed: {OutputText.Escape(ex.Message, 200)}");
        }

        return new Prepared(lineNumber, conversation, signals, null, false);
    }

    private static void ScoreBatch(ISafetyScorer scorer, List<string> texts, List<int> positions, MessageSignals[] signals)
    {
        if (texts.Count == 0)
        {
            return;
        }

        var batch = scorer.AnalyzeBatch(texts);
        if (batch.Count != texts.Count)
        {
            throw new InvalidOperationException($"AnalyzeBatch returned {batch.Count} results for {texts.Count} texts.");
        }

        for (var i = 0; i < batch.Count; i++)
        {
            signals[positions[i]] = batch[i];
        }

        texts.Clear();
        positions.Clear();
    }

    private sealed record Prepared(int LineNumber, InputConversation? Conversation, MessageSignals[]? Signals, string? Error, bool IsFatal)
    {
        public static Prepared Invalid(int lineNumber, string reason) => new(lineNumber, null, null, reason, false);

        public static Prepared Fatal(int lineNumber, string reason) => new(lineNumber, null, null, reason, true);
    }
}
