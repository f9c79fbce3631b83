namespace SafeChat.Policies;

/// <summary>Whose risk a risk condition reads.</summary>
public enum RiskSource
{
    /// <summary>The sender's own side of the conversation (<see cref="MessageContext.SenderHarms"/>), the default.</summary>
    Sender = 0,
    /// <summary>The whole conversation (<see cref="MessageContext.Assessment"/>).</summary>
    Conversation = 1,

    /// <summary>
    /// The room-level risk (<see cref="Scoring.RiskAssessment.Room"/>): everyone but the target pooled as one pseudo-author,
    /// in rooms of at least three participants; 0 when there is none.
    /// </summary>
    Room = 2,
}
