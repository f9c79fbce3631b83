namespace SafeChat.Scoring;

/// <summary>
/// A scorer whose <see cref="ISafetyScorer.Assess"/> reads the window it is given only while the call runs: it keeps no
/// reference to the list (nor hands it on) after it returns. The engine then lends it a window array that the calling
/// thread reuses for its next window of the same length (<see cref="State.WindowBuffers"/>) instead of a new array per
/// message. Any other scorer may keep the list, so it always gets a new one.
/// </summary>
internal interface IWindowBorrowingScorer : ISafetyScorer
{
}
