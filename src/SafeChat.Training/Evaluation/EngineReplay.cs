using System.Globalization;
using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Scoring;
using SafeChat.Training.Data;

namespace SafeChat.Training.Evaluation;

/// <summary>
/// Replays a training conversation through the shipped <see cref="SafeChatEngine"/> (window, salient messages,
/// assessment, alerting), so that thresholds, aggregator rows and the model card's numbers describe the pipeline that
/// ships. This is an adapter: it builds envelopes and reads the engine's results; it keeps no window of its own.
/// </summary>
internal static class EngineReplay
{
    /// <summary>What the engine saw and said after one message.</summary>
    /// <param name="MessageIndex">The message's index in the conversation.</param>
    /// <param name="Window">The window the engine assessed after the message (salient older messages, then recent ones).</param>
    /// <param name="Evaluation">The engine's result for the message.</param>
    public readonly record struct Step(int MessageIndex, IReadOnlyList<WindowMessage> Window, MessageEvaluation Evaluation);

    /// <summary>
    /// Engine settings for replays: the shipped defaults, with a small state cap (one conversation at a time), on the
    /// message-time clock that <c>safechat score</c> replays by default.
    /// </summary>
    public static SafeChatEngineOptions Options()
    {
        var options = new SafeChatEngineOptions { MaxConversations = 16, MaxDormantConversations = 16, MaxUsers = 1024, Clock = EngineClock.MessageTime };
        return options;
    }

    /// <summary>
    /// The time of message <paramref name="index"/>: the corpora reach the training tool without times, so a replay uses
    /// what <c>safechat score</c> gives a line without times, one second apart from 1970-01-01T00:00:00Z.
    /// </summary>
    public static DateTimeOffset MessageTime(int index) => DateTimeOffset.UnixEpoch.AddSeconds(index);

    /// <summary>
    /// Replays <paramref name="conversation"/> with its messages' precomputed <paramref name="signals"/>. When
    /// <paramref name="assessor"/> is null (an aggregator not trained yet), the engine's assessments are empty and only the
    /// windows are of use. <paramref name="onStep"/> gets every message, in order.
    /// </summary>
    public static void Run(
        ScorerDescriptor descriptor,
        Func<IReadOnlyList<WindowMessage>, RiskAssessment>? assessor,
        ChatConversation conversation,
        IReadOnlyList<MessageSignals> signals,
        Action<Step> onStep)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(onStep);
        var capture = new WindowCapture(descriptor, assessor);
        var engine = new SafeChatEngine(capture, Options());
        var participants = new Dictionary<string, Participant>(StringComparer.Ordinal);
        foreach (var line in conversation.Messages)
        {
            if (!participants.ContainsKey(line.Author))
            {
                // A dataset's ages are facts about the conversation, not typed-in claims: they count as verified.
                var band = conversation.Ages.GetValueOrDefault(line.Author, AgeBand.Unknown);
                participants[line.Author] = new Participant(line.Author, band, band == AgeBand.Unknown ? AgeAssurance.Unknown : AgeAssurance.Verified);
            }
        }

        var everyone = participants.Values.ToArray();
        var room = new Room(conversation.Id, everyone.Length == 2 ? RoomKind.Direct : RoomKind.Group);
        var recipients = new Dictionary<string, Participant[]>(StringComparer.Ordinal);
        for (int i = 0; i < conversation.Messages.Count; i++)
        {
            var line = conversation.Messages[i];
            if (!recipients.TryGetValue(line.Author, out var others))
            {
                others = everyone.Where(p => !string.Equals(p.Id, line.Author, StringComparison.Ordinal)).ToArray();
                recipients[line.Author] = others;
            }

            var envelope = new MessageEnvelope(
                new ChatMessage(i.ToString(CultureInfo.InvariantCulture), room.Id, line.Author, line.Text, MessageTime(i)),
                room,
                participants[line.Author],
                others)
            {
                PrecomputedSignals = signals[i],
            };
            var pending = engine.ProcessAsync(envelope);

            // The in-memory stores complete synchronously; a replay never waits.
            var evaluation = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            onStep(new Step(evaluation.MessageIndex, capture.LastWindow, evaluation));
        }
    }

    /// <summary>Scores every message of a conversation in batches of 64, the way the server path does.</summary>
    public static MessageSignals[] ScoreMessages(ISafetyScorer scorer, ChatConversation conversation)
    {
        var texts = conversation.Messages.Select(m => m.Text ?? string.Empty).ToList();
        var signals = new MessageSignals[texts.Count];
        var empty = MessageSignals.Empty(scorer.Descriptor.SignalNames.Count);
        var batch = new List<string>(64);
        var positions = new List<int>(64);
        for (int i = 0; i <= texts.Count; i++)
        {
            if (i < texts.Count)
            {
                if (texts[i].Length == 0)
                {
                    signals[i] = empty;
                    continue;
                }

                batch.Add(texts[i]);
                positions.Add(i);
            }

            if (batch.Count == 64 || (i == texts.Count && batch.Count > 0))
            {
                var scored = scorer.AnalyzeBatch(batch);
                for (int j = 0; j < scored.Count; j++)
                {
                    signals[positions[j]] = scored[j];
                }

                batch.Clear();
                positions.Clear();
            }
        }

        return signals;
    }

    /// <summary>
    /// The scorer the replay engine sees: it records the window of each assessment and delegates the assessment itself.
    /// Messages always arrive with precomputed signals, so it never scores text.
    /// </summary>
    private sealed class WindowCapture(ScorerDescriptor descriptor, Func<IReadOnlyList<WindowMessage>, RiskAssessment>? assessor) : ISafetyScorer
    {
        public IReadOnlyList<WindowMessage> LastWindow { get; private set; } = [];

        public ScorerDescriptor Descriptor { get; } = descriptor;

        public MessageSignals AnalyzeMessage(string text) =>
            throw new InvalidOperationException("A replay scores messages in batches before it runs the engine.");

        public IReadOnlyList<MessageSignals> AnalyzeBatch(IReadOnlyList<string> texts) =>
            throw new InvalidOperationException("A replay scores messages in batches before it runs the engine.");

        public RiskAssessment Assess(IReadOnlyList<WindowMessage> window)
        {
            LastWindow = window.ToArray();
            return assessor is null ? RiskAssessment.None : assessor(window);
        }
    }
}
