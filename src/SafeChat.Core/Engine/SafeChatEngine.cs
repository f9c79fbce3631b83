using System.Diagnostics.Metrics;
using SafeChat.Conversations;
using SafeChat.Escalation;
using SafeChat.Policies;
using SafeChat.Scoring;
using SafeChat.State;

namespace SafeChat.Engine;

/// <summary>
/// The streaming engine. It takes a conversation's messages in order, scores each one once with the
/// <see cref="ISafetyScorer"/>, keeps a bounded window per conversation and counters per user, assesses the window,
/// raises the conversation's first alert when any harm reaches its threshold, and asks the optional
/// <see cref="IMessagePolicy"/> what to do. Thread-safe: many conversations may be processed at once, and several
/// threads may feed one conversation (each message gets a unique, contiguous index).
/// </summary>
public sealed class SafeChatEngine
{
    /// <summary>The alert threshold used for a harm that neither the options nor the scorer name.</summary>
    public const float FallbackAlertThreshold = 0.5f;

    private static readonly IReadOnlyList<Decision> NoDecisions = [];
    private static readonly IReadOnlyList<string> NoSignals = [];
    private static readonly IReadOnlyDictionary<string, float> NoHarms = new Dictionary<string, float>();

    private readonly ISafetyScorer _scorer;
    private readonly IMessagePolicy? _policy;
    private readonly IConnectionDirectory? _connections;
    private readonly IConversationStateStore _conversations;
    private readonly IUserStateStore _users;
    private readonly TimeProvider _timeProvider;
    private readonly bool _messageClock;
    private readonly SafeChatMetrics _metrics;
    private readonly ConversationWindowLimits _limits;
    private readonly Dictionary<string, float> _thresholds;
    // The same thresholds in HarmNames.All order, for harms read by position (see CrossedHarm).
    private readonly float[] _harmThresholds;
    private readonly string[] _signalNames;
    private readonly float _signalThreshold;
    private readonly int _maxScoredCharacters;
    private readonly int _maxContactsPerUser;
    private readonly Matching.IImageMatcher? _imageMatcher;
    private readonly Matching.ISharedSignalMatcher? _signalMatcher;
    private readonly int _parallelism;
    private readonly MessageSignals _emptySignals;

    // The built-in stores complete at once: the engine calls them without a task or an async step per message.
    private readonly InMemoryConversationStateStore? _memoryConversations;

    // Whether the scorer lets go of the window when Assess returns (see IWindowBorrowingScorer).
    private readonly bool _borrowWindows;
    private readonly InMemoryUserStateStore? _memoryUsers;

    // Nothing reads a message's context or fired signal names while it is processed (no policy, directory or matcher):
    // the evaluation makes them on first read instead (MessageEvaluation), the same values.
    private readonly bool _deferContext;

    // Texts per AnalyzeBatch call on the batch path: large enough that a call's overhead vanishes, small enough to
    // spread a batch over the cores.
    private const int ScoreSliceSize = 256;

    /// <summary>Builds an engine.</summary>
    /// <param name="scorer">The detection model.</param>
    /// <param name="options">Settings; defaults when null. Validated and copied.</param>
    /// <param name="policy">Turns assessments into decisions; without one, every message gets no decisions.</param>
    /// <param name="connections">Tells which recipients the sender is connected to, for the policy.</param>
    /// <param name="conversationStore">Per-conversation state; an <see cref="InMemoryConversationStateStore"/> when null.</param>
    /// <param name="userStore">Per-user state; an <see cref="InMemoryUserStateStore"/> when null.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="meterFactory">Creates the "SafeChat" meter; a process-wide meter when null.</param>
    public SafeChatEngine(
        ISafetyScorer scorer,
        SafeChatEngineOptions? options = null,
        IMessagePolicy? policy = null,
        IConnectionDirectory? connections = null,
        IConversationStateStore? conversationStore = null,
        IUserStateStore? userStore = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
    {
        _scorer = scorer ?? throw new ArgumentNullException(nameof(scorer));
        options ??= new SafeChatEngineOptions();
        options.Validate();

        var descriptor = scorer.Descriptor ?? throw new ArgumentException("The scorer has no descriptor.", nameof(scorer));
        if (descriptor.SignalNames is null)
        {
            throw new ArgumentException("The scorer's descriptor has no signal names.", nameof(scorer));
        }

        _signalNames = [.. descriptor.SignalNames];
        _thresholds = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var harm in HarmNames.All)
        {
            _thresholds[harm] = FallbackAlertThreshold;
        }

        if (descriptor.AlertThresholds is not null)
        {
            foreach (var pair in descriptor.AlertThresholds)
            {
                _thresholds[pair.Key] = pair.Value;
            }
        }

        foreach (var pair in options.AlertThresholds)
        {
            _thresholds[pair.Key] = pair.Value;
        }

        _harmThresholds = new float[HarmNames.All.Count];
        for (var i = 0; i < _harmThresholds.Length; i++)
        {
            _harmThresholds[i] = _thresholds[HarmNames.All[i]];
        }

        _policy = policy;
        _connections = connections;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _conversations = conversationStore ?? new InMemoryConversationStateStore(options.MaxConversations, options.MaxDormantConversations, _timeProvider);
        _messageClock = options.Clock == EngineClock.MessageTime;
        _users = userStore ?? new InMemoryUserStateStore(options.MaxUsers, options.UserIdleTimeout, options.MaxContactsPerUser, options.MaxTotalContacts, _timeProvider);
        _metrics = new SafeChatMetrics(meterFactory);
        _limits = new ConversationWindowLimits(
            options.WindowSize,
            options.MaxSalientMessages,
            options.SalientThreshold,
            options.DuplicateHistory,
            options.ConversationIdleTimeout)
        {
            Dormancy = options.ConversationDormancy,
        };
        _signalThreshold = options.SignalThreshold;
        _maxScoredCharacters = options.MaxScoredCharacters;
        _maxContactsPerUser = options.MaxContactsPerUser;
        _imageMatcher = options.ImageMatcher;
        _signalMatcher = options.SharedSignalMatcher;
        _parallelism = options.MaxDegreeOfParallelism;
        _emptySignals = MessageSignals.Empty(_signalNames.Length);
        _memoryConversations = _conversations as InMemoryConversationStateStore;
        _borrowWindows = scorer is IWindowBorrowingScorer;
        _memoryUsers = _users as InMemoryUserStateStore;
        _deferContext = _policy is null && _connections is null && _imageMatcher is null && _signalMatcher is null;
    }

    /// <summary>The scorer's descriptor (model id and version, signals).</summary>
    public ScorerDescriptor Scorer => _scorer.Descriptor;

    /// <summary>The per-harm alert thresholds in force: options first, then the scorer's, then <see cref="FallbackAlertThreshold"/>.</summary>
    public IReadOnlyDictionary<string, float> AlertThresholds => _thresholds;

    /// <summary>The policy's version, or null without a policy.</summary>
    public string? PolicyVersion => _policy?.Version;

    /// <summary>The alert threshold of one harm.</summary>
    public float AlertThresholdFor(string harm) =>
        _thresholds.TryGetValue(harm, out var threshold) ? threshold : FallbackAlertThreshold;

    /// <summary>
    /// Returns the text the scorer sees for <paramref name="text"/>: null becomes empty and text longer than
    /// <see cref="SafeChatEngineOptions.MaxScoredCharacters"/> is cut there (never inside a surrogate pair).
    /// Use it when computing <see cref="MessageEnvelope.PrecomputedSignals"/> in a batch.
    /// </summary>
    public string TextForScoring(string? text)
    {
        if (text is null)
        {
            return string.Empty;
        }

        if (text.Length <= _maxScoredCharacters)
        {
            return text;
        }

        var length = _maxScoredCharacters;
        if (char.IsHighSurrogate(text[length - 1]))
        {
            length--;
        }

        return text.Substring(0, length);
    }

    /// <summary>Processes one message of a conversation (the conversation key is the message's room id).</summary>
    /// <param name="envelope">The message with its room, sender and recipients.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="ArgumentException">The envelope lacks a message, room, sender, recipients or an id.</exception>
    /// <exception cref="InvalidOperationException">The scorer returned signals that do not match its descriptor.</exception>
    public async ValueTask<MessageEvaluation> ProcessAsync(MessageEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ValidateEnvelope(envelope);
        cancellationToken.ThrowIfCancellationRequested();
        var scoredText = TextForScoring(envelope.Message.Text);
        var signals = envelope.PrecomputedSignals ?? (scoredText.Length == 0 ? _emptySignals : _scorer.AnalyzeMessage(scoredText));
        CheckSignals(signals);
        var step = await ConversationStepAsync(envelope, signals, cancellationToken).ConfigureAwait(false);
        return await FinishAsync(envelope, scoredText, signals, step, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Processes many messages of many conversations at once (the server and batch path): the same results as calling
    /// <see cref="ProcessAsync"/> for each envelope in list order, computed faster. Texts without
    /// <see cref="MessageEnvelope.PrecomputedSignals"/> are scored in large batches with
    /// <see cref="ISafetyScorer.AnalyzeBatch"/>; conversations are then advanced in parallel on all cores, each one's
    /// messages in list order; the per-user counters and the policy then see every message in list order, so the results
    /// are deterministic whatever the parallelism. With one worker (<see cref="SafeChatEngineOptions.MaxDegreeOfParallelism"/>
    /// = 1) each message is finished before the next one is advanced.
    /// </summary>
    /// <param name="envelopes">The messages, in the order they were sent (interleaved conversations are fine).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One evaluation per envelope, in list order.</returns>
    /// <exception cref="ArgumentException">An envelope lacks a message, room, sender, recipients or an id.</exception>
    /// <exception cref="InvalidOperationException">The scorer returned signals that do not match its descriptor.</exception>
    public async ValueTask<IReadOnlyList<MessageEvaluation>> ProcessBatchAsync(IReadOnlyList<MessageEnvelope> envelopes, CancellationToken cancellationToken = default)
    {
        if (envelopes is null)
        {
            throw new ArgumentNullException(nameof(envelopes));
        }

        if (envelopes.Count == 0)
        {
            return [];
        }

        var results = new MessageEvaluation[envelopes.Count];
        await ProcessBatchCoreAsync(envelopes, results, null, cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// <see cref="ProcessBatchAsync(IReadOnlyList{MessageEnvelope}, CancellationToken)"/> that hands each evaluation to
    /// <paramref name="onEvaluated"/> as soon as it is final, in list order, instead of returning them all at the end:
    /// the same evaluations, but a caller that folds them into its own result (a batch scorer) keeps none of them alive
    /// for the whole batch. The callback runs on the calling flow, one evaluation at a time.
    /// </summary>
    /// <param name="envelopes">The messages, in the order they were sent (interleaved conversations are fine).</param>
    /// <param name="onEvaluated">Receives each envelope's position in <paramref name="envelopes"/> and its evaluation, in list order.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="ArgumentException">An envelope lacks a message, room, sender, recipients or an id.</exception>
    /// <exception cref="InvalidOperationException">The scorer returned signals that do not match its descriptor.</exception>
    public ValueTask ProcessBatchAsync(IReadOnlyList<MessageEnvelope> envelopes, Action<int, MessageEvaluation> onEvaluated, CancellationToken cancellationToken = default)
    {
        if (envelopes is null)
        {
            throw new ArgumentNullException(nameof(envelopes));
        }

        if (onEvaluated is null)
        {
            throw new ArgumentNullException(nameof(onEvaluated));
        }

        return envelopes.Count == 0 ? default : ProcessBatchCoreAsync(envelopes, null, onEvaluated, cancellationToken);
    }

    // The batch path: each evaluation goes to results[i] or to onEvaluated (exactly one of them is set), in list order.
    private async ValueTask ProcessBatchCoreAsync(
        IReadOnlyList<MessageEnvelope> envelopes,
        MessageEvaluation[]? results,
        Action<int, MessageEvaluation>? onEvaluated,
        CancellationToken cancellationToken)
    {
        var count = envelopes.Count;

        // The batch's working arrays come from the engine's spare set (left by an earlier batch that completed) and go
        // back to it when this one completes; a batch that fails, or runs while another holds the set, has its own.
        var scratch = Interlocked.Exchange(ref _spareScratch, null) ?? new BatchScratch();
        scratch.Prepare(count);
        var texts = scratch.Texts;
        var signals = scratch.Signals;
        var unscored = scratch.Unscored;
        for (var i = 0; i < count; i++)
        {
            var envelope = envelopes[i];
            ValidateEnvelope(envelope);
            texts[i] = TextForScoring(envelope.Message.Text);
            if (envelope.PrecomputedSignals is { } known)
            {
                signals[i] = known;
            }
            else if (texts[i].Length == 0)
            {
                signals[i] = _emptySignals;
            }
            else
            {
                unscored.Add(i);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        ScoreInBatches(texts, unscored, signals, cancellationToken);
        for (var i = 0; i < count; i++)
        {
            CheckSignals(signals[i]);
        }

        if (_parallelism == 1)
        {
            // One worker: each message goes through its conversation step and then its finish before the next one, as
            // ProcessAsync would (the same results by definition). No per-batch grouping, no step array, and each
            // message's intermediate objects die young instead of living until the whole batch is assessed.
            for (var i = 0; i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var pendingStep = ConversationStepAsync(envelopes[i], signals[i], cancellationToken);
                var step = pendingStep.IsCompletedSuccessfully ? pendingStep.Result : await pendingStep.ConfigureAwait(false);
                var finished = FinishAsync(envelopes[i], texts[i], signals[i], step, null, cancellationToken);
                Deliver(i, finished.IsCompletedSuccessfully ? finished.Result : await finished.ConfigureAwait(false));
            }

            ReturnScratch(scratch, count);
            return;
        }

        // Conversations in first-appearance order, each with its messages in list order: conversationOf[i] is message i's
        // conversation, and conversation c's messages are order[starts[c]] .. order[starts[c + 1] - 1].
        var conversationCount = scratch.Group(envelopes, count);
        var conversationOf = scratch.ConversationOf;
        var order = scratch.Order;
        var starts = scratch.Starts;

        var steps = scratch.Steps;
        var batchAlerts = new Dictionary<string, int>(StringComparer.Ordinal);
        if (conversationCount == 1)
        {
            await AdvanceAsync(0).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                var finished = FinishAsync(envelopes[i], texts[i], signals[i], steps[i], batchAlerts, cancellationToken);
                Deliver(i, finished.IsCompletedSuccessfully ? finished.Result : await finished.ConfigureAwait(false));
                steps[i] = default;
            }

            ReturnScratch(scratch, count);
            return;
        }

        // Conversations are advanced by the workers, each taking the next one not yet taken, while this flow finishes
        // the messages in list order as soon as the message's conversation is fully advanced (and takes a conversation
        // itself while the one it needs is not done). Each conversation is fully appended before any of its messages is
        // finished, as when every conversation was advanced before the first finish, so the results do not depend on the
        // timing; finishing overlaps the advancing instead of waiting for all of it.
        var done = scratch.Done;
        var next = -1;
        Exception? failure = null;
        var workers = new Task[Math.Min(_parallelism - 1, conversationCount - 1)];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                int at;
                while (Volatile.Read(ref failure) is null && (at = Interlocked.Increment(ref next)) < conversationCount)
                {
                    try
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        await AdvanceAsync(at).ConfigureAwait(false);
                        Volatile.Write(ref done[at], 1);
                    }
                    catch (Exception ex)
                    {
                        Interlocked.CompareExchange(ref failure, ex, null);
                        Volatile.Write(ref done[at], 2);
                        throw;
                    }
                }
            });
        }

        try
        {
            for (var i = 0; i < count; i++)
            {
                var needed = conversationOf[i];
                var wait = default(SpinWait);
                while (Volatile.Read(ref done[needed]) == 0)
                {
                    var at = Volatile.Read(ref next) < conversationCount ? Interlocked.Increment(ref next) : conversationCount;
                    if (at < conversationCount)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        await AdvanceAsync(at).ConfigureAwait(false);
                        Volatile.Write(ref done[at], 1);
                        continue;
                    }

                    // Spin, then yield, but never sleep: the conversation it waits for is being advanced by a worker
                    // right now, and SpinWait's 1 ms sleeps left a core idle for about an eighth of a run.
                    if (wait.NextSpinWillYield)
                    {
                        Thread.Yield();
                    }
                    else
                    {
                        wait.SpinOnce();
                    }
                }

                if (Volatile.Read(ref done[needed]) != 1)
                {
                    break;
                }

                var finished = FinishAsync(envelopes[i], texts[i], signals[i], steps[i], batchAlerts, cancellationToken);
                Deliver(i, finished.IsCompletedSuccessfully ? finished.Result : await finished.ConfigureAwait(false));
                steps[i] = default;
            }
        }
        catch
        {
            // Stop the workers taking more conversations, then let them finish the ones they hold.
            Interlocked.CompareExchange(ref failure, new OperationCanceledException(), null);
            Interlocked.Exchange(ref next, conversationCount);
            try
            {
                await Task.WhenAll(workers).ConfigureAwait(false);
            }
            catch
            {
                // The caller's own failure is the one reported.
            }

            throw;
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        ReturnScratch(scratch, count);

        void Deliver(int i, MessageEvaluation evaluation)
        {
            if (results is not null)
            {
                results[i] = evaluation;
            }
            else
            {
                onEvaluated!(i, evaluation);
            }
        }

        ValueTask AdvanceAsync(int conversation)
        {
            if (_memoryConversations is null)
            {
                return AdvanceSlowAsync(conversation);
            }

            for (var j = starts[conversation]; j < starts[conversation + 1]; j++)
            {
                var i = order[j];
                steps[i] = StepInMemory(_memoryConversations, envelopes[i], signals[i], cancellationToken);
            }

            return default;
        }

        async ValueTask AdvanceSlowAsync(int conversation)
        {
            for (var j = starts[conversation]; j < starts[conversation + 1]; j++)
            {
                var i = order[j];
                steps[i] = await ConversationStepAsync(envelopes[i], signals[i], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Asks the policy whether a user may join a room; no decisions without a policy.</summary>
    /// <param name="context">The room, the joiner and the members.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public ValueTask<IReadOnlyList<Decision>> EvaluateJoinAsync(JoinContext context, CancellationToken cancellationToken = default)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        return _policy is null ? new ValueTask<IReadOnlyList<Decision>>(NoDecisions) : _policy.EvaluateJoinAsync(context, cancellationToken);
    }

    /// <summary>
    /// Decides a message with only the parts of the policy that need no shared state: for when the state backend is
    /// down and the host fails open. Touches no store: no window, no counters, no fire-once latches, no scoring. Age,
    /// room, connection and message-feature rules still give their enforcement decisions (block, hold, allow); risk,
    /// signal and counter conditions see nothing. Empty without a policy or when the policy is not an
    /// <see cref="IStatelessMessagePolicy"/>.
    /// </summary>
    /// <param name="envelope">The message with its room, sender and recipients.</param>
    /// <param name="connectedRecipientIds">The recipients the sender is connected to (pass none when that is unknown: the protective reading).</param>
    public IReadOnlyList<Decision> EvaluateWithoutState(MessageEnvelope envelope, IReadOnlyCollection<string> connectedRecipientIds)
    {
        ValidateEnvelope(envelope);
        if (_policy is not IStatelessMessagePolicy stateless)
        {
            return NoDecisions;
        }

        var context = NewContext(envelope, TextForScoring(envelope.Message.Text), connectedRecipientIds ?? [], 0, RiskAssessment.None, NoHarms, NoSignals, new UserCounters());
        return stateless.EvaluateMessageWithoutState(context) ?? NoDecisions;
    }

    /// <summary>Decides a join with only the parts of the policy that need no shared state (see <see cref="EvaluateWithoutState"/>).</summary>
    /// <param name="context">The room, the joiner and the members.</param>
    public IReadOnlyList<Decision> EvaluateJoinWithoutState(JoinContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        return _policy is IStatelessMessagePolicy stateless ? stateless.EvaluateJoinWithoutState(context) ?? NoDecisions : NoDecisions;
    }

    /// <summary>Forgets a conversation's state (for example when the host deletes the room).</summary>
    /// <param name="conversationId">The conversation (room) id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public ValueTask EndConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        _conversations.RemoveAsync(conversationId, cancellationToken);

    // The conversation-local part of a message: window and assessment. Conversations are independent here, so the
    // batch path runs this for many conversations in parallel.
    private ValueTask<ConversationStep> ConversationStepAsync(MessageEnvelope envelope, MessageSignals signals, CancellationToken cancellationToken) =>
        _memoryConversations is { } store
            ? new ValueTask<ConversationStep>(StepInMemory(store, envelope, signals, cancellationToken))
            : ConversationStepSlowAsync(envelope, signals, cancellationToken);

    // The same step with the built-in store, which completes at once: no task and no async step per message.
    private ConversationStep StepInMemory(InMemoryConversationStateStore store, MessageEnvelope envelope, MessageSignals signals, CancellationToken cancellationToken)
    {
        var message = envelope.Message;
        var sender = envelope.Sender;
        // A scorer that lets go of the window when Assess returns gets this thread's pooled array (StepOf assesses it at
        // once, on this thread, and keeps only the assessment).
        var append = store.Append(
            message.RoomId,
            new WindowAppend(message.Id, sender.Id, sender.AgeBand, signals, sender.AgeAssurance) { At = ReplayedTime(message) },
            _limits,
            _borrowWindows,
            cancellationToken);
        return StepOf(append);
    }

    private async ValueTask<ConversationStep> ConversationStepSlowAsync(MessageEnvelope envelope, MessageSignals signals, CancellationToken cancellationToken)
    {
        var message = envelope.Message;
        var sender = envelope.Sender;
        var append = await _conversations.AppendAsync(
            message.RoomId,
            new WindowAppend(message.Id, sender.Id, sender.AgeBand, signals, sender.AgeAssurance) { At = ReplayedTime(message) },
            _limits,
            cancellationToken).ConfigureAwait(false);
        return StepOf(new WindowAppendOutcome(append.MessageIndex, append.IsDuplicate, append.Window, append.FirstAlertIndex));
    }

    private ConversationStep StepOf(WindowAppendOutcome append)
    {
        var assessment = _scorer.Assess(append.Window) ?? RiskAssessment.None;
        var crossed = append.IsDuplicate || append.FirstAlertIndex is not null ? null : CrossedHarm(assessment);
        return new ConversationStep(append.MessageIndex, append.IsDuplicate, append.FirstAlertIndex, assessment, crossed);
    }

    // The cross-conversation part of a message, in message order: the sender's counters, the policy and escalations.
    // batchAlerts: on the batch path, the first alert each conversation raised earlier in the same batch (its later
    // messages were appended before that alert was claimed, so their window results do not show it yet).
    private ValueTask<MessageEvaluation> FinishAsync(
        MessageEnvelope envelope,
        string scoredText,
        MessageSignals signals,
        ConversationStep step,
        Dictionary<string, int>? batchAlerts,
        CancellationToken cancellationToken) =>
        _deferContext && _memoryUsers is not null && _memoryConversations is not null
            ? new ValueTask<MessageEvaluation>(Finish(_memoryUsers, _memoryConversations, envelope, signals, step, batchAlerts, cancellationToken))
            : FinishSlowAsync(envelope, scoredText, signals, step, batchAlerts, cancellationToken);

    // FinishSlowAsync with the built-in stores and nothing that reads the context while the message is processed (no
    // policy, directory or matcher): the same steps in the same order, without a task, and the evaluation makes the
    // context and the fired signal names on first read (see MessageEvaluation).
    private MessageEvaluation Finish(
        InMemoryUserStateStore users,
        InMemoryConversationStateStore conversations,
        MessageEnvelope envelope,
        MessageSignals signals,
        ConversationStep step,
        Dictionary<string, int>? batchAlerts,
        CancellationToken cancellationToken)
    {
        var message = envelope.Message;
        var sender = envelope.Sender;
        var now = ReplayedTime(message) ?? _timeProvider.GetUtcNow();
        var firstAlertIndex = FirstAlertSoFar(step, batchAlerts, message.RoomId);

        if (step.IsDuplicate)
        {
            return Duplicate(step, signals, firstAlertIndex, users.GetCounters(sender.Id, now, cancellationToken));
        }

        var assessment = step.Assessment;
        var senderCounters = users.RecordMessage(sender.Id, message.RoomId, MinorRecipientIds(envelope, _maxContactsPerUser), now, cancellationToken);
        _metrics.MessageScored();

        var raisedAlert = false;
        if (firstAlertIndex is null && step.CrossedHarm is { } harm)
        {
            var claim = conversations.TrySetAlert(message.RoomId, step.MessageIndex, cancellationToken);
            (raisedAlert, firstAlertIndex) = Claimed(claim, harm, batchAlerts, message.RoomId);
        }

        return new MessageEvaluation(step.MessageIndex, assessment, raisedAlert, firstAlertIndex, NoDecisions, senderCounters, this, envelope, signals, _scorer.Descriptor.ModelVersion);
    }

    // The first alert the conversation already has: from its window, else one claimed earlier in the same batch.
    private static int? FirstAlertSoFar(ConversationStep step, Dictionary<string, int>? batchAlerts, string roomId) =>
        step.FirstAlertIndex ?? (batchAlerts is not null && batchAlerts.TryGetValue(roomId, out var earlier) ? earlier : null);

    // A duplicate is not evaluated again: its first evaluation's index and assessment, the sender's counters as they are.
    private MessageEvaluation Duplicate(ConversationStep step, MessageSignals signals, int? firstAlertIndex, UserCounters counters)
    {
        _metrics.DuplicateDropped();
        return new MessageEvaluation(step.MessageIndex, true, step.Assessment, FiredSignals(signals), false, firstAlertIndex, NoDecisions, counters);
    }

    // What a claim of the conversation's first alert means for this message; the batch remembers the claimed index.
    private (bool Raised, int? FirstAlertIndex) Claimed(AlertClaim claim, string harm, Dictionary<string, int>? batchAlerts, string roomId)
    {
        if (batchAlerts is not null)
        {
            batchAlerts[roomId] = claim.FirstAlertIndex;
        }

        if (claim.IsFirst)
        {
            _metrics.AlertRaised(harm);
        }

        return (claim.IsFirst, claim.FirstAlertIndex);
    }

    // The context FinishSlowAsync builds when there is no directory or matcher and the policy is not asked: made on
    // first read of MessageEvaluation.Context (the scored text is made again from the message: the same text).
    // The model version is the one read when the message was processed (a scorer's descriptor could change later).
    internal MessageContext DeferredContext(
        MessageEnvelope envelope,
        int messageIndex,
        RiskAssessment assessment,
        IReadOnlyList<string> fired,
        UserCounters senderCounters,
        string? modelVersion) =>
        NewContext(envelope, TextForScoring(envelope.Message.Text), envelope.ConnectedRecipientIds ?? [], messageIndex, assessment, SenderHarms(assessment, envelope.Sender.Id), fired, senderCounters, envelope.RecipientRelationships, new ModelVersionAt(modelVersion));

    // A model version read earlier (null is a version too: the descriptor's may be null).
    private readonly record struct ModelVersionAt(string? Version);

    private async ValueTask<MessageEvaluation> FinishSlowAsync(
        MessageEnvelope envelope,
        string scoredText,
        MessageSignals signals,
        ConversationStep step,
        Dictionary<string, int>? batchAlerts,
        CancellationToken cancellationToken)
    {
        var message = envelope.Message;
        var sender = envelope.Sender;
        var now = ReplayedTime(message) ?? _timeProvider.GetUtcNow();
        var firstAlertIndex = FirstAlertSoFar(step, batchAlerts, message.RoomId);

        if (step.IsDuplicate)
        {
            return Duplicate(step, signals, firstAlertIndex, await _users.GetCountersAsync(sender.Id, now, cancellationToken).ConfigureAwait(false));
        }

        var assessment = step.Assessment;
        var senderCounters = await _users.RecordMessageAsync(
            new UserActivity(sender.Id, message.RoomId, MinorRecipientIds(envelope, _maxContactsPerUser), now),
            cancellationToken).ConfigureAwait(false);
        _metrics.MessageScored();

        // The first alert is claimed only once the message is recorded, as it always was: a failure before this point
        // leaves the latch free for the next message.
        var raisedAlert = false;
        if (firstAlertIndex is null && step.CrossedHarm is { } harm)
        {
            var claim = await _conversations.TrySetAlertAsync(message.RoomId, step.MessageIndex, cancellationToken).ConfigureAwait(false);
            (raisedAlert, firstAlertIndex) = Claimed(claim, harm, batchAlerts, message.RoomId);
        }

        var fired = FiredSignals(signals);
        var context = await BuildContextAsync(envelope, scoredText, step.MessageIndex, assessment, fired, senderCounters, cancellationToken).ConfigureAwait(false);
        if (_imageMatcher is not null && message.Attachments is { Count: > 0 } attachments)
        {
            context = await WithImageMatchesAsync(context, attachments, cancellationToken).ConfigureAwait(false);
        }

        if (_signalMatcher is not null && await _signalMatcher.MatchAsync(envelope, cancellationToken).ConfigureAwait(false) is { Count: > 0 } leads)
        {
            context = context with { SharedSignalLeads = leads, Features = context.Features with { SharedSignalLead = true } };
        }

        var decisions = _policy is null
            ? NoDecisions
            : await _policy.EvaluateMessageAsync(context, cancellationToken).ConfigureAwait(false) ?? NoDecisions;
        var escalations = EscalationEvents.FromDecisions(decisions, context, _policy?.Version, now);

        return new MessageEvaluation(step.MessageIndex, false, assessment, fired, raisedAlert, firstAlertIndex, decisions, senderCounters, context, escalations);
    }

    // Scores the texts at the given positions with AnalyzeBatch, in slices spread over the cores.
    private void ScoreInBatches(string[] texts, List<int> positions, MessageSignals[] signals, CancellationToken cancellationToken)
    {
        if (positions.Count == 0)
        {
            return;
        }

        var slices = (positions.Count + ScoreSliceSize - 1) / ScoreSliceSize;
        void ScoreSlice(int slice)
        {
            var start = slice * ScoreSliceSize;
            var length = Math.Min(ScoreSliceSize, positions.Count - start);
            var batch = new string[length];
            for (var j = 0; j < length; j++)
            {
                batch[j] = texts[positions[start + j]];
            }

            var scored = _scorer.AnalyzeBatch(batch);
            if (scored is null || scored.Count != length)
            {
                throw new InvalidOperationException($"AnalyzeBatch returned {scored?.Count ?? 0} results for {length} texts.");
            }

            for (var j = 0; j < length; j++)
            {
                signals[positions[start + j]] = scored[j];
            }
        }

        if (slices == 1 || _parallelism == 1)
        {
            for (var slice = 0; slice < slices; slice++)
            {
                ScoreSlice(slice);
            }

            return;
        }

        try
        {
            Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken }, ScoreSlice);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
            throw;
        }
    }

    // A completed batch's working arrays go back as the engine's spare set, without references to its texts and signals.
    private void ReturnScratch(BatchScratch scratch, int count)
    {
        scratch.Release(count);
        Volatile.Write(ref _spareScratch, scratch);
    }

    // The working arrays of one batch (see ProcessBatchCoreAsync), reused by the next batch when this one completes.
    private BatchScratch? _spareScratch;

    private sealed class BatchScratch
    {
        // Batches larger than this get arrays of their own that are not kept (so one huge batch does not pin them).
        private const int MaxKeptMessages = 1 << 17;

        private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);

        public string[] Texts { get; private set; } = [];

        public MessageSignals[] Signals { get; private set; } = [];

        public ConversationStep[] Steps { get; private set; } = [];

        public int[] ConversationOf { get; private set; } = [];

        public int[] Order { get; private set; } = [];

        public int[] Starts { get; private set; } = [];

        public int[] Done { get; private set; } = [];

        public List<int> Unscored { get; } = [];

        // Arrays of at least count elements (only the first count are used); the per-conversation ones are sized by Group.
        public void Prepare(int count)
        {
            if (Texts.Length < count)
            {
                Texts = new string[count];
                Signals = new MessageSignals[count];
                Steps = new ConversationStep[count];
                ConversationOf = new int[count];
                Order = new int[count];
            }

            Unscored.Clear();
        }

        // Numbers the conversations in first-appearance order and lays each one's messages out in list order; returns the
        // number of conversations. Done is all zero for them.
        public int Group(IReadOnlyList<MessageEnvelope> envelopes, int count)
        {
            _positions.Clear();
            var conversationOf = ConversationOf;
            var conversations = 0;
            string? lastKey = null;
            var last = -1;
            for (var i = 0; i < count; i++)
            {
                var key = envelopes[i].Message.RoomId;
                if (last < 0 || !string.Equals(key, lastKey, StringComparison.Ordinal))
                {
                    // A new run of one conversation's messages (a batch of whole conversations has one run each): look it up.
                    if (!_positions.TryGetValue(key, out last))
                    {
                        last = conversations++;
                        _positions[key] = last;
                    }

                    lastKey = key;
                }

                conversationOf[i] = last;
            }

            _positions.Clear();
            if (Starts.Length < conversations + 1)
            {
                Starts = new int[Math.Max(conversations + 1, Math.Min(count + 1, Starts.Length * 2))];
                Done = new int[Starts.Length];
            }

            var starts = Starts;
            Array.Clear(starts, 0, conversations + 1);
            for (var i = 0; i < count; i++)
            {
                starts[conversationOf[i] + 1]++;
            }

            for (var c = 0; c < conversations; c++)
            {
                starts[c + 1] += starts[c];
            }

            // Done serves as each conversation's fill position here, and is left all zero.
            var filled = Done;
            Array.Clear(filled, 0, conversations);
            for (var i = 0; i < count; i++)
            {
                var c = conversationOf[i];
                Order[starts[c] + filled[c]++] = i;
            }

            Array.Clear(filled, 0, conversations);
            return conversations;
        }

        // Drops the batch's references (texts, signals, assessments) and, after a huge batch, the arrays themselves.
        public void Release(int count)
        {
            Array.Clear(Texts, 0, count);
            Array.Clear(Signals, 0, count);
            Array.Clear(Steps, 0, count);
            Unscored.Clear();
            if (Texts.Length > MaxKeptMessages)
            {
                Texts = [];
                Signals = [];
                Steps = [];
                ConversationOf = [];
                Order = [];
                Starts = [];
                Done = [];
            }
        }
    }

    // The message's own time under EngineClock.MessageTime (see EngineClock for a missing timestamp); null: the TimeProvider.
    private DateTimeOffset? ReplayedTime(ChatMessage message) =>
        _messageClock && message.Timestamp != default ? message.Timestamp : null;

    // A message's conversation step: the append's outcome (not its window, which only the assessment reads) and the assessment.
    private readonly record struct ConversationStep(int MessageIndex, bool IsDuplicate, int? FirstAlertIndex, RiskAssessment Assessment, string? CrossedHarm);

    // The one MessageContext of a message: the policy sees it, escalations are built from it, and MessageEvaluation carries it.
    private async ValueTask<MessageContext> BuildContextAsync(
        MessageEnvelope envelope,
        string scoredText,
        int messageIndex,
        RiskAssessment assessment,
        IReadOnlyList<string> fired,
        UserCounters senderCounters,
        CancellationToken cancellationToken)
    {
        IReadOnlyCollection<string> connected;
        IReadOnlyDictionary<string, Relationship>? relationships;
        if (_connections is not null && envelope.ConnectedRecipientIds is null && envelope.RecipientRelationships is null && envelope.Recipients.Count > 0)
        {
            // Both come from the directory: one walk over the recipients asks it both questions.
            (connected, relationships) = await WalkDirectoryAsync(envelope, _connections, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            connected = await ConnectedRecipientsAsync(envelope, cancellationToken).ConfigureAwait(false);
            relationships = await RecipientRelationshipsAsync(envelope, _connections, cancellationToken).ConfigureAwait(false);
        }

        return NewContext(envelope, scoredText, connected, messageIndex, assessment, SenderHarms(assessment, envelope.Sender.Id), fired, senderCounters, relationships);
    }

    // The one place a MessageContext is put together (the stateless path passes empty state).
    private MessageContext NewContext(
        MessageEnvelope envelope,
        string scoredText,
        IReadOnlyCollection<string> connectedRecipientIds,
        int messageIndex,
        RiskAssessment assessment,
        IReadOnlyDictionary<string, float> senderHarms,
        IReadOnlyList<string> fired,
        UserCounters senderCounters,
        IReadOnlyDictionary<string, Relationship>? relationships = null,
        ModelVersionAt? modelVersion = null) => new()
    {
        Message = envelope.Message,
        Room = envelope.Room,
        Sender = envelope.Sender,
        Recipients = envelope.Recipients,
        ConnectedRecipientIds = connectedRecipientIds,
        MessageIndex = messageIndex,
        Assessment = assessment,
        SenderHarms = senderHarms,
        MessageSignals = fired,
        SenderCounters = senderCounters,
        Features = MessageFeatureExtractor.Extract(envelope.Message, scoredText),
        ModelVersion = modelVersion is { } known ? known.Version : _scorer.Descriptor.ModelVersion,
        RecipientRelationships = relationships ?? envelope.RecipientRelationships ?? MessageContext.NoRelationships,
        ModelAlertThresholds = _thresholds,
    };

    // The host's relationships when it gave them, else the directory's (null when it knows none).
    private static async ValueTask<IReadOnlyDictionary<string, Relationship>?> RecipientRelationshipsAsync(
        MessageEnvelope envelope, IConnectionDirectory? directory, CancellationToken cancellationToken)
    {
        if (envelope.RecipientRelationships is not null || directory is null)
        {
            return envelope.RecipientRelationships;
        }

        Dictionary<string, Relationship>? found = null;
        foreach (var recipient in envelope.Recipients)
        {
            if (recipient is not null && !string.Equals(recipient.Id, envelope.Sender.Id, StringComparison.Ordinal)
                && await directory.GetRelationshipAsync(envelope.Sender.Id, recipient.Id, cancellationToken).ConfigureAwait(false) is { } relationship)
            {
                (found ??= new Dictionary<string, Relationship>(StringComparer.Ordinal))[recipient.Id] = relationship;
            }
        }

        return found;
    }

    // ConnectedRecipientsAsync and RecipientRelationshipsAsync in one pass: the same answers, half the recipient walks.
    private static async ValueTask<(IReadOnlyCollection<string> Connected, IReadOnlyDictionary<string, Relationship>? Relationships)> WalkDirectoryAsync(
        MessageEnvelope envelope, IConnectionDirectory directory, CancellationToken cancellationToken)
    {
        List<string>? connected = null;
        Dictionary<string, Relationship>? found = null;
        var senderId = envelope.Sender.Id;
        var recipients = envelope.Recipients;
        for (var i = 0; i < recipients.Count; i++)
        {
            var recipient = recipients[i];
            if (recipient is null || string.Equals(recipient.Id, senderId, StringComparison.Ordinal))
            {
                continue;
            }

            if (await directory.AreConnectedAsync(senderId, recipient.Id, cancellationToken).ConfigureAwait(false))
            {
                (connected ??= []).Add(recipient.Id);
            }

            if (await directory.GetRelationshipAsync(senderId, recipient.Id, cancellationToken).ConfigureAwait(false) is { } relationship)
            {
                (found ??= new Dictionary<string, Relationship>(StringComparer.Ordinal))[recipient.Id] = relationship;
            }
        }

        return (connected is null ? [] : connected, found);
    }

    // Only for messages with attachments: the text-only path never gets here. Nothing about the images is kept.
    private async ValueTask<MessageContext> WithImageMatchesAsync(MessageContext context, IReadOnlyList<ImageAttachment> attachments, CancellationToken cancellationToken)
    {
        var matches = await _imageMatcher!.MatchAsync(attachments, cancellationToken).ConfigureAwait(false);
        if (matches is null || matches.Count == 0)
        {
            return context;
        }

        _metrics.KnownImageMatched();
        return context with
        {
            ImageMatches = matches,
            MessageSignals = [.. context.MessageSignals, SignalNames.KnownCsamMatch],
            Features = context.Features with { HasImage = true, KnownCsamMatch = true },
        };
    }

    private async ValueTask<IReadOnlyCollection<string>> ConnectedRecipientsAsync(MessageEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.ConnectedRecipientIds is { } known)
        {
            return known;
        }

        if (_connections is null || envelope.Recipients.Count == 0)
        {
            return [];
        }

        List<string>? connected = null;
        foreach (var recipient in envelope.Recipients)
        {
            if (recipient is null || string.Equals(recipient.Id, envelope.Sender.Id, StringComparison.Ordinal))
            {
                continue;
            }

            if (await _connections.AreConnectedAsync(envelope.Sender.Id, recipient.Id, cancellationToken).ConfigureAwait(false))
            {
                (connected ??= []).Add(recipient.Id);
            }
        }

        return connected is null ? [] : connected;
    }

    private static IReadOnlyDictionary<string, float> SenderHarms(RiskAssessment assessment, string senderId)
    {
        var authors = assessment.Authors;
        for (var i = 0; i < authors.Count; i++)
        {
            if (string.Equals(authors[i].AuthorId, senderId, StringComparison.Ordinal))
            {
                return authors[i].Harms;
            }
        }

        return NoHarms;
    }

    private string? CrossedHarm(RiskAssessment assessment)
    {
        if (assessment.Harms is IReadOnlyList<KeyValuePair<string, float>> list)
        {
            // A scorer's harms that are also a list of their pairs in enumeration order: the same walk by index, without
            // an enumerator per message, and each harm of HarmNames.All (the same string) takes its threshold by position.
            var all = HarmNames.All;
            for (var i = 0; i < list.Count; i++)
            {
                var pair = list[i];
                var threshold = i < all.Count && ReferenceEquals(pair.Key, all[i]) ? _harmThresholds[i] : AlertThresholdFor(pair.Key);
                if (pair.Value >= threshold)
                {
                    return pair.Key;
                }
            }

            return null;
        }

        foreach (var pair in assessment.Harms)
        {
            if (pair.Value >= AlertThresholdFor(pair.Key))
            {
                return pair.Key;
            }
        }

        return null;
    }

    internal IReadOnlyList<string> FiredSignals(MessageSignals signals)
    {
        List<string>? fired = null;
        var probabilities = signals.Probabilities;
        for (var i = 0; i < probabilities.Length; i++)
        {
            if (probabilities[i] >= _signalThreshold)
            {
                (fired ??= []).Add(_signalNames[i]);
            }
        }

        return fired ?? NoSignals;
    }

    // At most `cap` minors per message: the user store remembers no more than that many per user anyway, and the cap
    // keeps a message to a huge room from costing time in the room's size (the cost stays linear in messages).
    private static IReadOnlyList<string> MinorRecipientIds(MessageEnvelope envelope, int cap)
    {
        List<string>? minors = null;
        var recipients = envelope.Recipients;
        for (var i = 0; i < recipients.Count && (minors is null || minors.Count < cap); i++)
        {
            var recipient = recipients[i];
            if (recipient is { IsMinorForProtection: true } && !string.Equals(recipient.Id, envelope.Sender.Id, StringComparison.Ordinal))
            {
                (minors ??= []).Add(recipient.Id);
            }
        }

        return minors ?? NoSignals;
    }

    private void CheckSignals(MessageSignals? signals)
    {
        if (signals is null)
        {
            throw new InvalidOperationException("The scorer returned no signals for a message.");
        }

        if (signals.Probabilities.Length != _signalNames.Length)
        {
            throw new InvalidOperationException(
                $"The scorer returned {signals.Probabilities.Length} signal probabilities but its descriptor names {_signalNames.Length} signals.");
        }
    }

    private static void ValidateEnvelope(MessageEnvelope envelope)
    {
        if (envelope is null)
        {
            throw new ArgumentNullException(nameof(envelope));
        }

        if (envelope.Message is null)
        {
            throw new ArgumentException("The envelope has no message.", nameof(envelope));
        }

        if (envelope.Room is null)
        {
            throw new ArgumentException("The envelope has no room.", nameof(envelope));
        }

        if (envelope.Sender is null)
        {
            throw new ArgumentException("The envelope has no sender.", nameof(envelope));
        }

        if (envelope.Recipients is null)
        {
            throw new ArgumentException("The envelope has no recipient list (use an empty list).", nameof(envelope));
        }

        if (string.IsNullOrEmpty(envelope.Message.Id))
        {
            throw new ArgumentException("Message.Id must be a non-empty string.", nameof(envelope));
        }

        if (string.IsNullOrEmpty(envelope.Message.RoomId))
        {
            throw new ArgumentException("Message.RoomId must be a non-empty string.", nameof(envelope));
        }

        if (string.IsNullOrEmpty(envelope.Sender.Id))
        {
            throw new ArgumentException("Sender.Id must be a non-empty string.", nameof(envelope));
        }
    }
}
