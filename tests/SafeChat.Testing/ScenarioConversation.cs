using SafeChat.Conversations;

namespace SafeChat.Testing;

/// <summary>One message of a scenario: who said what, and when.</summary>
public sealed record ScenarioMessage(string Author, string Text, DateTimeOffset Time);

/// <summary>A conversation to replay through every adapter of the pipeline.</summary>
public sealed record ScenarioConversation(string Id, Room Room, IReadOnlyList<Participant> Participants, IReadOnlyList<ScenarioMessage> Messages)
{
    /// <summary>The participant record of an author (an unlisted author has an unknown age).</summary>
    public Participant ParticipantOf(string author) =>
        Participants.FirstOrDefault(p => p.Id == author) ?? new Participant(author);

    /// <summary>Everyone in the conversation except <paramref name="author"/>.</summary>
    public IReadOnlyList<Participant> RecipientsOf(string author) =>
        Participants.Where(p => p.Id != author).ToArray();
}
