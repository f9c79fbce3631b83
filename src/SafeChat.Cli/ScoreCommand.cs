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
/// <param name="Clock">
/// Where the engine takes "now" from: each message's own time (the default: idle expiry, dormancy and the per-user 24 h
/// counters behave as they would have live) or the wall clock. With message times, a line whose times cannot be
/// replayed (unreadable, or going back) is invalid; missing times count as one second after the previous message.
/// </param>
/// <param name="DormancyDays">How many days an idle conversation keeps its compact state (the engine default when null; 0 disables).</param>
internal sealed record ScoreSettings(string InputName, bool SkipInvalid, EngineClock Clock = EngineClock.MessageTime, double? DormancyDays = null);

/// <summary>
/// <c>safechat score</c>: reads conversation JSONL, streams every conversation through a <see cref="SafeChatEngine"/>
/// message by message, and writes one result line per conversation in input order. Lines are parsed ahead of the
/// engine and handed over in blocks of many conversations; each block goes through
/// <see cref="SafeChatEngine.ProcessBatchAsync(IReadOnlyList{MessageEnvelope}, Action{int, MessageEvaluation}, CancellationToken)"/>, which scores the texts in large batches and advances the
/// conversations in parallel while the per-user counters and the policy see the messages in input order, so results
/// are deterministic.
/// </summary>
internal static class ScoreCommand
{
    private const int OutputBufferBytes = 64 * 1024;

    // A block is handed to the engine when it holds this many messages or conversations, or when the input has nothing
    // more ready (so a live pipe still sees each result as soon as it can be scored).
    private const int BlockMessages = 32768;
    private const int BlockConversations = 8192;

    public static Task<int> RunAsync(
        ScoreSettings settings,
        ISafetyScorer scorer,
        IMessagePolicy? policy,
        Stream input,
        Stream outputStream,
        TextWriter error,
        TimeProvider timeProvider,
        CancellationToken cancellationToken,
        SafeChatEngineOptions? engineOptions = null) =>
        RunAsync(settings, Task.FromResult<ScoreModel?>(new ScoreModel(scorer, policy)), input, outputStream, error, timeProvider, cancellationToken, engineOptions);

    /// <summary>
    /// Like <see cref="RunAsync(ScoreSettings, ISafetyScorer, IMessagePolicy?, Stream, Stream, TextWriter, TimeProvider, CancellationToken, SafeChatEngineOptions?)"/>
    /// with the model still loading: the input is read and its first blocks parsed meanwhile (start-up on one core, parsing
    /// on another). When <paramref name="model"/> gives null (its loader has reported why), nothing is written and the
    /// run fails.
    /// </summary>
    public static async Task<int> RunAsync(
        ScoreSettings settings,
        Task<ScoreModel?> model,
        Stream input,
        Stream outputStream,
        TextWriter error,
        TimeProvider timeProvider,
        CancellationToken cancellationToken,
        SafeChatEngineOptions? engineOptions = null)
    {
        var started = timeProvider.GetTimestamp();
        // The engine gets every core: its batch path finishes messages in order on this flow while other workers advance
        // the next conversations, and the flow advances conversations itself whenever the one it needs is not done, so
        // the parser (which reads and parses the next block meanwhile) and the workers share the cores without idling.
        engineOptions ??= new SafeChatEngineOptions { Clock = settings.Clock, MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) };
        if (settings.DormancyDays is { } days)
        {
            engineOptions.ConversationDormancy = TimeSpan.FromDays(days);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pipeline = Channel.CreateBounded<List<Item>>(new BoundedChannelOptions(2)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        var replay = engineOptions.Clock == EngineClock.MessageTime;
        var producer = Task.Run(() => ProduceAsync(input, settings, replay, pipeline.Writer, stop.Token), CancellationToken.None);

        ScoreModel? loaded;
        try
        {
            loaded = await model.ConfigureAwait(false);
        }
        catch
        {
            await StopAsync(stop, producer).ConfigureAwait(false);
            throw;
        }

        if (loaded is null)
        {
            await StopAsync(stop, producer).ConfigureAwait(false);
            return CliApplication.ExitFailure;
        }

        var scorer = loaded.Scorer;
        var engine = new SafeChatEngine(scorer, engineOptions, loaded.Policy, timeProvider: timeProvider);

        // Scored blocks go to the writer stage, which reports errors and writes results in input order while the engine
        // runs the next block (the output is no longer written on the engine's thread).
        var finished = Channel.CreateBounded<(List<Item> Block, string? Outcome)>(new BoundedChannelOptions(2)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        var written = new WriterState();
        var writer = Task.Run(() => WriteGuardedAsync(finished.Reader, written, settings, outputStream, error, stop), CancellationToken.None);
        try
        {
            try
            {
                while (!written.Stopped && await pipeline.Reader.WaitToReadAsync(stop.Token).ConfigureAwait(false))
                {
                    if (!pipeline.Reader.TryRead(out var block))
                    {
                        continue;
                    }

                    var outcome = await RunBlockAsync(engine, scorer, engineOptions, block, stop.Token).ConfigureAwait(false);
                    await finished.Writer.WriteAsync((block, outcome), stop.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                finished.Writer.TryComplete();
                await writer.ConfigureAwait(false);
            }
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

        var exitCode = written.ExitCode;
        var outputError = written.OutputError;
        var conversations = written.Conversations;
        var messages = written.Messages;
        var skipped = written.Skipped;
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

    // Stops the parser (the model did not load) and waits for it, so no read is left running.
    private static async Task StopAsync(CancellationTokenSource stop, Task producer)
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

    /// <summary>
    /// Runs the writer stage; when it fails (the error writer throws, say), it stops the whole run so the engine is not
    /// left waiting to hand it a block, and the failure is what the command throws.
    /// </summary>
    private static async Task WriteGuardedAsync(
        ChannelReader<(List<Item> Block, string? Outcome)> finished,
        WriterState state,
        ScoreSettings settings,
        Stream outputStream,
        TextWriter error,
        CancellationTokenSource stop)
    {
        try
        {
            await WriteAsync(finished, state, settings, outputStream, error, stop.Token).ConfigureAwait(false);
        }
        catch
        {
            state.Stopped = true;
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The writer stage: for each scored block in input order, reports its invalid lines and writes its results (the
    /// loop <c>safechat score</c> always ran after each block). Results are collected in one buffer and written when it
    /// fills, when no further scored block is ready yet (so an interactive run still sees each result as soon as it is
    /// scored) and at the end: no write and flush per line. After a stop (an invalid line without --skip-invalid, a
    /// failed block, an unwritable output) it only drains the channel.
    /// </summary>
    private static async Task WriteAsync(
        ChannelReader<(List<Item> Block, string? Outcome)> finished,
        WriterState state,
        ScoreSettings settings,
        Stream outputStream,
        TextWriter error,
        CancellationToken cancellationToken)
    {
        var output = new ArrayBufferWriter<byte>(OutputBufferBytes + 4096);
        var stopped = false;
        while (await finished.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (!finished.TryRead(out var next))
            {
                continue;
            }

            if (stopped)
            {
                continue;
            }

            var (block, outcome) = next;
            foreach (var item in block)
            {
                if (item.Error is not null)
                {
                    var where = $"{settings.InputName}:{item.LineNumber}";
                    if (item.IsFatal || !settings.SkipInvalid)
                    {
                        await error.WriteLineAsync($"error: {where}: {item.Error}").ConfigureAwait(false);
                        state.ExitCode = CliApplication.ExitFailure;
                        stopped = true;
                        break;
                    }

                    await error.WriteLineAsync($"{where}: {item.Error} (skipped)").ConfigureAwait(false);
                    state.Skipped++;
                    continue;
                }

                if (item.Result is not { } result)
                {
                    // The block failed at this line: earlier results are written, then the reason.
                    await error.WriteLineAsync($"error: {settings.InputName}:{item.LineNumber}: {outcome}").ConfigureAwait(false);
                    state.ExitCode = CliApplication.ExitFailure;
                    stopped = true;
                    break;
                }

                result.WriteTo(output);
                output.Write("\n"u8);
                state.Conversations++;
                state.Messages += item.Conversation!.Messages.Count;
                if (output.WrittenCount >= OutputBufferBytes)
                {
                    state.OutputError = await FlushAsync(output, outputStream, cancellationToken).ConfigureAwait(false);
                    if (state.OutputError is not null)
                    {
                        stopped = true;
                        break;
                    }
                }
            }

            if (state.OutputError is null && (stopped || finished.Count == 0))
            {
                state.OutputError = await FlushAsync(output, outputStream, cancellationToken).ConfigureAwait(false);
            }

            if (stopped || state.OutputError is not null)
            {
                stopped = true;
                state.Stopped = true;
            }
        }

        if (!stopped)
        {
            state.OutputError ??= await FlushAsync(output, outputStream, cancellationToken).ConfigureAwait(false);
        }
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

    /// <summary>
    /// Runs every valid conversation of the block through the engine in one batch and sets each item's result. When the
    /// batch fails, the block is run again conversation by conversation to find the line: the results before it are
    /// set, and the reason is returned (that item then has no result).
    /// </summary>
    private static async Task<string?> RunBlockAsync(SafeChatEngine engine, ISafetyScorer scorer, SafeChatEngineOptions options, List<Item> block, CancellationToken cancellationToken)
    {
        var valid = new List<Item>(block.Count);
        foreach (var item in block)
        {
            if (item.Conversation is not null)
            {
                valid.Add(item);
            }
        }

        if (valid.Count == 0)
        {
            return null;
        }

        try
        {
            await RunConversationsAsync(engine, options, valid, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            foreach (var item in valid)
            {
                item.Result = null;
            }
        }

        foreach (var item in valid)
        {
            try
            {
                var texts = item.Conversation!.Messages.Select(m => engine.TextForScoring(m.Text)).Where(t => t.Length > 0).ToArray();
                if (texts.Length > 0)
                {
                    _ = scorer.AnalyzeBatch(texts);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return $"the scorer failed: {OutputText.Escape(ex.Message, 200)}";
            }

            try
            {
                await RunConversationsAsync(engine, options, [item], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A scorer or policy failure is not the input's fault, but it still names the line it happened on.
                item.Result = null;
                return $"scoring failed: {OutputText.Escape(ex.Message, 200)}";
            }
        }

        return null;
    }

    private static async Task RunConversationsAsync(SafeChatEngine engine, SafeChatEngineOptions options, List<Item> items, CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var item in items)
        {
            total += item.Conversation!.Messages.Count;
        }

        var envelopes = new MessageEnvelope[total];
        // Each envelope's conversation result: the engine hands the evaluations over one at a time, in list order, and
        // each is folded into its result at once (none is kept for the whole block).
        var owners = new ConversationResult[total];
        var results = new ConversationResult[items.Count];
        var at = 0;
        for (var k = 0; k < items.Count; k++)
        {
            var item = items[k];
            var start = at;
            at = AddEnvelopes(item, envelopes, at);
            var result = new ConversationResult(item.Conversation!.Id, engine, options.SignalThreshold)
            {
                Language = item.Language!,
            };
            results[k] = result;
            owners.AsSpan(start, at - start).Fill(result);
        }

        try
        {
            await engine.ProcessBatchAsync(envelopes, (i, evaluation) => owners[i].Add(evaluation), cancellationToken).ConfigureAwait(false);
            for (var k = 0; k < items.Count; k++)
            {
                items[k].Result = results[k];
            }
        }
        finally
        {
            foreach (var item in items)
            {
                await engine.EndConversationAsync(item.Key, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Each input line is its own conversation, even when two lines share an id.
    private static string Key(int lineNumber) => "line-" + lineNumber.ToString(CultureInfo.InvariantCulture);

    // Message ids are their positions in the line: the first few are made once, not per message.
    private static readonly string[] SmallIds = [.. Enumerable.Range(0, 256).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    private static string MessageId(int index) => index < SmallIds.Length ? SmallIds[index] : index.ToString(CultureInfo.InvariantCulture);

    private static int AddEnvelopes(Item item, MessageEnvelope[] envelopes, int at)
    {
        var conversation = item.Conversation!;
        var key = item.Key;
        var room = new Room(key, conversation.RoomKind);
        // One shared roster; each sender's recipients are a view of it without the sender (no per-author copies, so the
        // cost stays linear in the number of participants and speakers).
        Participant[] roster;
        // A small roster (a game's ten players) is searched in place; a large one gets a map.
        Dictionary<string, int>? positions = null;
        var count = 0;
        if (conversation.Participants is ParticipantMap small)
        {
            // The parser's small map is an array in the same order, never changed: the roster as it is.
            roster = small.Roster;
        }
        else if (conversation.Participants is Dictionary<string, Participant> map)
        {
            // The parser's map: the same values in the same order, without a boxed enumerator per conversation.
            roster = new Participant[map.Count];
            positions = roster.Length > SmallRoster ? new Dictionary<string, int>(roster.Length, StringComparer.Ordinal) : null;
            foreach (var participant in map.Values)
            {
                positions?.Add(participant.Id, count);
                roster[count++] = participant;
            }
        }
        else
        {
            roster = new Participant[conversation.Participants.Count];
            positions = roster.Length > SmallRoster ? new Dictionary<string, int>(roster.Length, StringComparer.Ordinal) : null;
            foreach (var participant in conversation.Participants.Values)
            {
                positions?.Add(participant.Id, count);
                roster[count++] = participant;
            }
        }

        var views = new RosterExcept?[roster.Length];
        for (var i = 0; i < conversation.Messages.Count; i++)
        {
            var message = conversation.Messages[i];
            var position = positions is not null ? positions[message.Author] : PositionOf(roster, message.Author);
            envelopes[at++] = new MessageEnvelope(
                new ChatMessage(MessageId(i), key, message.Author, message.Text, message.Time),
                room,
                roster[position],
                views[position] ??= new RosterExcept(roster, position))
            {
                RecipientRelationships = conversation.Relationships.TryGetValue(message.Author, out var related) ? related : null,
            };
        }

        return at;
    }

    private const int SmallRoster = 16;

    // The roster position of a participant id (every author is a participant; ids are distinct).
    private static int PositionOf(Participant[] roster, string id)
    {
        for (var i = 0; i < roster.Length; i++)
        {
            if (string.Equals(roster[i].Id, id, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new KeyNotFoundException("A message's author is not among the conversation's participants.");
    }

    private static async Task ProduceAsync(Stream input, ScoreSettings settings, bool replay, ChannelWriter<List<Item>> writer, CancellationToken cancellationToken)
    {
        var block = new List<Item>();
        var blockMessages = 0;
        try
        {
            var lines = JsonlLineReader.ReadAsync(input, cancellationToken: cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using (lines.ConfigureAwait(false))
            {
                while (true)
                {
                    var next = lines.MoveNextAsync();
                    if (!next.IsCompleted && block.Count > 0)
                    {
                        // Nothing more is ready: hand over what there is rather than wait with it.
                        await writer.WriteAsync(block, cancellationToken).ConfigureAwait(false);
                        block = [];
                        blockMessages = 0;
                    }

                    if (!await next.ConfigureAwait(false))
                    {
                        break;
                    }

                    var line = lines.Current;
                    if (!line.TooLong && ConversationParser.IsBlank(line.Bytes.Span))
                    {
                        continue;
                    }

                    Item item;
                    if (line.TooLong)
                    {
                        item = Item.Invalid(line.Number, $"line longer than {JsonlLineReader.DefaultMaxLineBytes / (1024 * 1024)} MiB", false);
                    }
                    else if (!TryParse(line.Bytes, out var conversation, out var reason))
                    {
                        item = Item.Invalid(line.Number, reason!, false);
                    }
                    else if (replay && conversation!.TimeIssue is { } timeIssue)
                    {
                        item = Item.Invalid(line.Number, timeIssue + " (or score with --clock wall)", false);
                    }
                    else
                    {
                        // The language guess depends on the texts alone: made here, on the parser's core, not the engine's.
                        item = new Item(line.Number, conversation, null, false) { Language = LanguageGuess.Identify(conversation!.Messages) };
                        blockMessages += conversation.Messages.Count;
                    }

                    block.Add(item);
                    if (item.Error is not null && !settings.SkipInvalid)
                    {
                        break;
                    }

                    if (blockMessages >= BlockMessages || block.Count >= BlockConversations)
                    {
                        await writer.WriteAsync(block, cancellationToken).ConfigureAwait(false);
                        block = [];
                        blockMessages = 0;
                    }
                }
            }
        }
        catch (IOException ex)
        {
            block.Add(Item.Invalid(0, $"cannot read the input: {ex.Message}", true));
        }

        try
        {
            if (block.Count > 0)
            {
                await writer.WriteAsync(block, cancellationToken).ConfigureAwait(false);
            }
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

    /// <summary>What the writer stage reports back: counts, the exit code, and whether it stopped.</summary>
    private sealed class WriterState
    {
        private volatile bool _stopped;

        /// <summary>Set once the writer takes no more results (the engine then stops too).</summary>
        public bool Stopped
        {
            get => _stopped;
            set => _stopped = value;
        }

        public int ExitCode { get; set; } = CliApplication.ExitOk;

        public string? OutputError { get; set; }

        public int Conversations { get; set; }

        public long Messages { get; set; }

        public int Skipped { get; set; }
    }

    /// <summary>One input line: a parsed conversation (and, once run, its result) or the reason it is invalid.</summary>
    private sealed class Item(int lineNumber, InputConversation? conversation, string? error, bool isFatal)
    {
        public int LineNumber { get; } = lineNumber;

        public InputConversation? Conversation { get; } = conversation;

        public string? Error { get; } = error;

        public bool IsFatal { get; } = isFatal;

        public ConversationResult? Result { get; set; }

        /// <summary>The language guess of the conversation's texts (set with the conversation).</summary>
        public string? Language { get; init; }

        /// <summary>The engine's conversation key of this line (made once, used for its messages and to end it).</summary>
        public string Key => _key ??= ScoreCommand.Key(LineNumber);

        private string? _key;

        public static Item Invalid(int lineNumber, string reason, bool isFatal) => new(lineNumber, null, reason, isFatal);
    }
}
