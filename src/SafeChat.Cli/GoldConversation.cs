using SafeChat.Conversations;

namespace SafeChat.Cli;

/// <summary>
/// One labelled conversation of a gold file: the conversation itself (as <c>score</c> reads it) plus <c>label</c>
/// (<c>benign</c> or a harm), the optional <c>alert_by</c> (the 0-based message index by which an alert is due),
/// <c>source</c> and <c>language</c>.
/// </summary>
internal sealed record GoldConversation(
    int LineNumber,
    string Id,
    string Label,
    int? AlertBy,
    string? Source,
    string? Language,
    InputConversation Conversation)
{
    /// <summary>The age bands present (participants and unlisted authors), for per-age-band thresholds.</summary>
    public IReadOnlyList<Participant> People => Conversation.Participants.Values.ToArray();
}
