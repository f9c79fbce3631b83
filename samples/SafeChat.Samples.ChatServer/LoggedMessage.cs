namespace SafeChat.Samples.ChatServer;

/// <summary>One message attempt as the sample platform stored it (text included: moderators only).</summary>
internal sealed record LoggedMessage(
    string MessageId,
    string RoomId,
    int Index,
    string AuthorId,
    string Text,
    DateTimeOffset Time,
    string Outcome,
    IReadOnlyList<string> RuleIds,
    IReadOnlyList<string> Signals,
    IReadOnlyDictionary<string, float> Harms,
    IReadOnlyDictionary<string, float> AuthorHarms)
{
    /// <summary>False for a message SafeChat refused before scoring it (a frozen conversation, an unavailable backend).</summary>
    public bool Scored { get; init; } = true;
}
