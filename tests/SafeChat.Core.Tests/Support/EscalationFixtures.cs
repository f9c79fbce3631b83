using SafeChat.Conversations;
using SafeChat.Escalation;
using SafeChat.Policies;
using SafeChat.Scoring;

namespace SafeChat.Core.Tests.Support;

/// <summary>Hand-written fixtures: a short grooming-style thread between an adult and a teen.</summary>
internal static class Fixtures
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 18, 0, 0, TimeSpan.Zero);

    public static EscalationEvent Escalation(string rule = "grooming-escalate", string conversation = "room-7", string subject = "user-adult-1", Severity severity = Severity.High) =>
        new(EscalationEvents.CreateIdempotencyKey(rule, conversation, subject), rule, severity, conversation, subject, Start.AddMinutes(10))
        {
            Harms = new Dictionary<string, float> { [HarmNames.Grooming] = 0.91f, [HarmNames.Sextortion] = 0.12f },
            Signals = [SignalNames.AgeProbe, SignalNames.Secrecy, SignalNames.OffPlatform],
            MessageIndex = 4,
            ModelVersion = "safechat-signals-v1+abc123",
            PolicyVersion = "default-minors+9f8e7d",
        };

    public static Participant Adult => new("user-adult-1", AgeBand.Adult, AgeAssurance.SelfDeclared) { DisplayName = "xXcoolguyXx" };

    public static Participant Teen => new("user-teen-2", AgeBand.Teen, AgeAssurance.Verified) { DisplayName = "Sam Example" };

    public static IReadOnlyList<ChatMessage> Thread(string room = "room-7") =>
    [
        new("m1", room, "user-adult-1", "hey gg that match was close", Start),
        new("m2", room, "user-teen-2", "lol ty", Start.AddMinutes(1)),
        new("m3", room, "user-adult-1", "how old r u btw", Start.AddMinutes(2)),
        new("m4", room, "user-teen-2", "14", Start.AddMinutes(3)),
        new("m5", room, "user-adult-1", "cool dont tell ur parents we talk, add me on snap", Start.AddMinutes(4)),
        new("m6", room, "user-teen-2", "ok", Start.AddMinutes(5)) { HasImage = true },
    ];
}
