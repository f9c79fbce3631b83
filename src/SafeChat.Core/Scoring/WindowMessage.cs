using SafeChat.Conversations;

namespace SafeChat.Scoring;

/// <summary>A message in the engine's window, as the scorer sees it: no text, only who said it and what fired.</summary>
/// <param name="Index">The message's 0-based position in the conversation.</param>
/// <param name="AuthorId">The sender.</param>
/// <param name="AuthorAge">The sender's age band, where known.</param>
/// <param name="Signals">The message's signals.</param>
/// <param name="AuthorAssurance">
/// How the sender's age band is known. The detector relaxes its grooming gate between minors only for an assured
/// (estimated or verified) minor author; a self-declared or unassured minor band could be an adult's typed-in claim.
/// </param>
public readonly record struct WindowMessage(int Index, string AuthorId, AgeBand AuthorAge, MessageSignals Signals, AgeAssurance AuthorAssurance = AgeAssurance.Unknown);
