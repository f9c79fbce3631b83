using SafeChat.Conversations;
using SafeChat.Scoring;

namespace SafeChat.Engine;

/// <summary>One message handed to <see cref="SafeChatEngine.ProcessAsync"/>, with who sent it where and to whom.</summary>
public sealed record MessageEnvelope
{
    /// <summary>Creates an envelope.</summary>
    /// <param name="message">The message; its <see cref="ChatMessage.RoomId"/> is the conversation key.</param>
    /// <param name="room">The room the message was sent in.</param>
    /// <param name="sender">The sender.</param>
    /// <param name="recipients">The other participants of the room.</param>
    public MessageEnvelope(ChatMessage message, Room room, Participant sender, IReadOnlyList<Participant> recipients)
    {
        Message = message;
        Room = room;
        Sender = sender;
        Recipients = recipients;
    }

    /// <summary>The message.</summary>
    public ChatMessage Message { get; init; }

    /// <summary>The room.</summary>
    public Room Room { get; init; }

    /// <summary>The sender.</summary>
    public Participant Sender { get; init; }

    /// <summary>The other participants of the room (the recipients).</summary>
    public IReadOnlyList<Participant> Recipients { get; init; }

    /// <summary>
    /// Signals already computed for this message (for example with <see cref="ISafetyScorer.AnalyzeBatch"/> on the
    /// server path). When null the engine calls <see cref="ISafetyScorer.AnalyzeMessage"/>.
    /// </summary>
    public MessageSignals? PrecomputedSignals { get; init; }

    /// <summary>
    /// The recipients the sender is connected to, when the host already knows them (the client SDK passes its
    /// conversation's connections). When null the engine asks its <see cref="Conversations.IConnectionDirectory"/>.
    /// </summary>
    public IReadOnlyCollection<string>? ConnectedRecipientIds { get; init; }

    /// <summary>
    /// How the sender is related to recipients, by recipient id, when the host already knows it (the JSONL input's
    /// <c>relationships</c>, the client SDK's conversation). When null the engine asks its
    /// <see cref="Conversations.IConnectionDirectory.GetRelationshipAsync"/>. A related recipient counts as connected.
    /// </summary>
    public IReadOnlyDictionary<string, Conversations.Relationship>? RecipientRelationships { get; init; }
}
