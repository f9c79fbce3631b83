using SafeChat.Conversations;
using SafeChat.Policies;
using SafeChat.Scoring;

namespace SafeChat.Core.Tests.Policies;

/// <summary>Participants and contexts for policy tests. Ids are made up; no text reaches any decision.</summary>
internal static class PolicyTestData
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static Participant Adult(string id = "adult-1") => new(id, AgeBand.Adult, AgeAssurance.Verified);

    public static Participant SelfDeclaredAdult(string id = "claims-adult") => new(id, AgeBand.Adult, AgeAssurance.SelfDeclared);

    public static Participant Teen13(string id = "teen-13") => new(id, Participant.BandForAge(13), AgeAssurance.SelfDeclared);

    public static Participant Child(string id = "child-10") => new(id, Participant.BandForAge(10), AgeAssurance.SelfDeclared);

    public static Participant UnknownAge(string id = "unknown-1") => new(id);

    public static MessageContext Message(
        RoomKind roomKind,
        Participant sender,
        Participant[] recipients,
        string roomId = "room-1",
        string[]? connected = null,
        float grooming = 0f,
        float sextortion = 0f,
        string[]? conversationSignals = null,
        string[]? messageSignals = null,
        MessageFeatures? features = null,
        UserCounters? counters = null,
        int index = 0,
        string text = "hello there",
        IReadOnlyDictionary<string, Relationship>? relationships = null,
        IReadOnlyDictionary<string, float>? modelThresholds = null)
    {
        var harms = new Dictionary<string, float> { [HarmNames.Grooming] = grooming, [HarmNames.Sextortion] = sextortion };
        var evidence = (conversationSignals ?? [])
            .Select(s => new SignalEvidence(s, SignalNames.HarmOf(s)!, sender.Id, index, 0.9f))
            .ToArray();
        var assessment = new RiskAssessment(harms, [new AuthorRisk(sender.Id, harms)], evidence);
        return new MessageContext
        {
            Message = new ChatMessage($"m{index}", roomId, sender.Id, text, Start) { HasImage = features?.HasImage ?? false },
            Room = new Room(roomId, roomKind),
            Sender = sender,
            Recipients = recipients,
            ConnectedRecipientIds = new HashSet<string>(connected ?? []),
            MessageIndex = index,
            Assessment = assessment,
            SenderHarms = harms,
            MessageSignals = messageSignals ?? [],
            SenderCounters = counters ?? new UserCounters(),
            Features = features ?? new MessageFeatures { Length = text.Length },
            RecipientRelationships = relationships ?? new Dictionary<string, Relationship>(),
            ModelAlertThresholds = modelThresholds,
        };
    }

    public static JoinContext Join(RoomKind roomKind, Participant joiner, Participant[] members, string[]? connected = null) => new()
    {
        Room = new Room("room-join", roomKind),
        Joiner = joiner,
        Members = members,
        ConnectedMemberIds = new HashSet<string>(connected ?? []),
    };

    /// <summary>The 1-based line of the first line containing <paramref name="marker"/>.</summary>
    public static int LineOf(string text, string marker)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Contains(marker, StringComparison.Ordinal))
            {
                return i + 1;
            }
        }

        throw new ArgumentException($"marker {marker} not found");
    }

    public static string Describe(IEnumerable<Decision> decisions) =>
        string.Join("; ", decisions.Select(d =>
            $"{d.RuleId}:{PolicyNames.Of(d.Action)}:{d.Severity}:{d.Shadow}:{d.Nudge}:{d.SubjectUserId}:[{string.Join(",", d.TargetUserIds)}]:{d.Harm}:{d.Risk}"));
}
