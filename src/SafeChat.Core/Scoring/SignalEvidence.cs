namespace SafeChat.Scoring;

/// <summary>One signal that fired.</summary>
/// <param name="Signal">The signal name (<see cref="SignalNames"/>).</param>
/// <param name="Harm">The harm it belongs to.</param>
/// <param name="AuthorId">Who said it.</param>
/// <param name="MessageIndex">The message's position in the conversation.</param>
/// <param name="Probability">The signal's probability on that message.</param>
public sealed record SignalEvidence(string Signal, string Harm, string AuthorId, int MessageIndex, float Probability);
