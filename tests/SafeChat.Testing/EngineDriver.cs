using System.Globalization;
using SafeChat.Engine;

namespace SafeChat.Testing;

/// <summary>Feeds a scenario conversation into a <see cref="SafeChatEngine"/> message by message, as a server would.</summary>
public static class EngineDriver
{
    /// <summary>
    /// Processes every message of <paramref name="conversation"/> in order and returns the trace lines. With
    /// <paramref name="precomputed"/> the messages carry those signals (the server's batch path); otherwise the engine
    /// scores each message itself (the device path).
    /// </summary>
    public static async Task<IReadOnlyList<string>> TraceAsync(
        SafeChatEngine engine,
        ScenarioConversation conversation,
        IReadOnlyList<SafeChat.Scoring.MessageSignals>? precomputed = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(conversation);
        var lines = new List<string>(conversation.Messages.Count);
        for (var i = 0; i < conversation.Messages.Count; i++)
        {
            var message = conversation.Messages[i];
            var envelope = new MessageEnvelope(
                new SafeChat.Conversations.ChatMessage(i.ToString(CultureInfo.InvariantCulture), conversation.Room.Id, message.Author, message.Text, message.Time),
                conversation.Room,
                conversation.ParticipantOf(message.Author),
                conversation.RecipientsOf(message.Author))
            {
                PrecomputedSignals = precomputed?[i],
            };
            lines.Add(EvaluationTrace.Of(await engine.ProcessAsync(envelope)));
        }

        return lines;
    }
}
