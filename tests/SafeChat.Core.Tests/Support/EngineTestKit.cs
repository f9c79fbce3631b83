using SafeChat.Conversations;
using SafeChat.Engine;

namespace SafeChat.Core.Tests.Support;

/// <summary>Builds envelopes for engine tests.</summary>
internal static class EngineTestKit
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static MessageEnvelope Message(
        string roomId,
        string messageId,
        Participant sender,
        string text,
        params Participant[] recipients) =>
        new(new ChatMessage(messageId, roomId, sender.Id, text, Start), new Room(roomId, RoomKind.Direct), sender, recipients);

    public static Participant Adult(string id) => new(id, AgeBand.Adult, AgeAssurance.SelfDeclared);

    public static Participant Child(string id) => new(id, AgeBand.Child, AgeAssurance.SelfDeclared);

    public static Participant Teen(string id) => new(id, AgeBand.Teen, AgeAssurance.SelfDeclared);
}
