using SafeChat.Conversations;
using SafeChat.Scoring;

namespace SafeChat.State;

/// <summary>One message to append to a conversation window. It carries no text.</summary>
/// <param name="MessageId">The host's message id, used to drop duplicates.</param>
/// <param name="AuthorId">The sender.</param>
/// <param name="AuthorAge">The sender's age band.</param>
/// <param name="Signals">The message's signals, as the scorer produced them.</param>
/// <param name="AuthorAssurance">How the sender's age band is known; stores keep it with the entry (see <see cref="Scoring.WindowMessage.AuthorAssurance"/>).</param>
public readonly record struct WindowAppend(string MessageId, string AuthorId, AgeBand AuthorAge, MessageSignals Signals, AgeAssurance AuthorAssurance = AgeAssurance.Unknown)
{
    /// <summary>
    /// The message's time when the engine replays message times (<see cref="Engine.EngineClock.MessageTime"/>): the store
    /// judges this conversation's idle expiry and dormancy by it instead of its clock. Null: the store's clock.
    /// </summary>
    public DateTimeOffset? At { get; init; }
}
