using Microsoft.Extensions.Time.Testing;
using SafeChat.Conversations;
using SafeChat.Policies;
using SafeChat.Scoring;
using static SafeChat.Core.Tests.Policies.PolicyTestData;

namespace SafeChat.Core.Tests.Policies;

public class PolicyPresetsTests
{
    private readonly FakeTimeProvider _time = new(Start);

    private PolicyEngine Strict() => new(PolicyPresets.Load(PolicyPresets.StrictMinors), new InMemoryPolicyStateStore(_time), _time);

    private PolicyEngine Standard() => new(PolicyPresets.Load(PolicyPresets.Standard), new InMemoryPolicyStateStore(_time), _time);

    private static string[] Rules(IEnumerable<Decision> decisions) => decisions.Select(d => $"{d.RuleId}:{PolicyNames.Of(d.Action)}").ToArray();

    [Fact]
    public void Names_ListsEveryPresetAndDefaultIsStrictMinors()
    {
        Assert.Equal(["strict-minors", "standard"], PolicyPresets.Names);
        Assert.Equal("strict-minors", PolicyPresets.Default);
        Assert.StartsWith("strict-minors@", PolicyEngine.CreateDefault().Version, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("strict-minors")]
    [InlineData("standard")]
    public void Load_EveryPreset_ValidatesAndRoundTripsThroughTheWriter(string name)
    {
        var policy = PolicyPresets.Load(name);

        Assert.Equal(name, policy.Id);
        Assert.NotEmpty(policy.Rules);
        Assert.All(policy.Rules, r => Assert.False(string.IsNullOrWhiteSpace(r.Regulation)));
        var rewritten = PolicyLoader.Parse(PolicyWriter.ToJson(policy), name + ".json");
        Assert.Equal(PolicyWriter.ToJson(policy), PolicyWriter.ToJson(rewritten));
    }

    [Fact]
    public void Load_UnknownPreset_ListsKnownNames()
    {
        var ex = Assert.Throws<ArgumentException>(() => PolicyPresets.Load("lenient"));

        Assert.Contains("strict-minors, standard", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StrictMinors_ThirteenYearOldJoinsPrivateRoomWithAdult_DeniedByRule()
    {
        var decisions = await Strict().EvaluateJoinAsync(Join(RoomKind.Private, Teen13(), [Adult()]));

        var decision = Assert.Single(decisions);
        Assert.Equal("private-room-minor-join", decision.RuleId);
        Assert.Equal(PolicyAction.DenyJoin, decision.Action);
        Assert.False(decision.Shadow);
    }

    [Fact]
    public async Task StrictMinors_AdultJoinsPrivateRoomWithThirteenYearOld_DeniedByRule()
    {
        var decisions = await Strict().EvaluateJoinAsync(Join(RoomKind.Private, Adult(), [Teen13(), Adult("adult-2")], connected: ["teen-13"]));

        Assert.Equal(["private-room-adult-join:deny-join"], Rules(decisions));
        Assert.Equal(["teen-13"], decisions[0].TargetUserIds);
    }

    [Theory]
    [InlineData(RoomKind.Public)]
    [InlineData(RoomKind.Group)]
    public async Task StrictMinors_MinorJoinsNonPrivateRoom_Allowed(RoomKind kind)
    {
        Assert.Empty(await Strict().EvaluateJoinAsync(Join(kind, Teen13(), [Adult()])));
    }

    [Fact]
    public async Task StrictMinors_AdultWritesToThirteenYearOldInPrivateRoom_BlockedByRule()
    {
        var decisions = await Strict().EvaluateMessageAsync(Message(RoomKind.Private, Adult(), [Teen13()], connected: ["teen-13"]));

        Assert.Equal(["private-room-adult-to-minor:block"], Rules(decisions));
    }

    [Fact]
    public async Task StrictMinors_ThirteenYearOldWritesToAdultInPrivateRoom_BlockedByRule()
    {
        var decisions = await Strict().EvaluateMessageAsync(Message(RoomKind.Private, Teen13(), [Adult()]));

        Assert.Equal(["private-room-minor-to-adult:block"], Rules(decisions));
    }

    [Fact]
    public async Task StrictMinors_NonConnectedAdultDmsMinor_Blocked()
    {
        var decisions = await Strict().EvaluateMessageAsync(Message(RoomKind.Direct, Adult(), [Teen13()]));

        Assert.Equal(["dm-non-connected-adult-to-minor:block"], Rules(decisions));
    }

    [Fact]
    public async Task StrictMinors_ConnectedAdultDmsMinor_Allowed()
    {
        Assert.Empty(await Strict().EvaluateMessageAsync(Message(RoomKind.Direct, Adult(), [Teen13()], connected: ["teen-13"])));
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("self-declared-adult")]
    public async Task StrictMinors_UnknownOrSelfDeclaredAdultSender_TreatedLikeAdult(string kind)
    {
        var sender = kind == "unknown" ? UnknownAge() : SelfDeclaredAdult();

        var decisions = await Strict().EvaluateMessageAsync(Message(RoomKind.Direct, sender, [Child()]));

        Assert.Equal(["dm-non-connected-adult-to-minor:block"], Rules(decisions));
    }

    [Fact]
    public async Task StrictMinors_AdultsDmEachOther_NoDecisions()
    {
        Assert.Empty(await Strict().EvaluateMessageAsync(Message(RoomKind.Direct, Adult(), [Adult("adult-2")], grooming: 0.5f)));
    }

    [Fact]
    public async Task StrictMinors_LinkOrImageFromNonConnectionToMinor_Held()
    {
        var link = await Strict().EvaluateMessageAsync(Message(RoomKind.Group, Teen13("teen-2"), [Teen13()], features: new MessageFeatures { HasLink = true }));
        var image = await Strict().EvaluateMessageAsync(Message(RoomKind.Public, Adult(), [Child()], features: new MessageFeatures { HasImage = true }));
        var fromFriend = await Strict().EvaluateMessageAsync(Message(RoomKind.Group, Adult(), [Child()], connected: ["child-10"], features: new MessageFeatures { HasImage = true }));

        Assert.Equal(["media-from-non-connection-to-minor:hold"], Rules(link));
        Assert.Equal(["media-from-non-connection-to-minor:hold"], Rules(image));
        Assert.Empty(fromFriend);
    }

    [Fact]
    public async Task StrictMinors_AdultContactsFiveMinorsIn24h_EscalatedOnceAcrossConversations()
    {
        var engine = Strict();
        var counters = new UserCounters { DistinctMinorsContacted24h = 5 };

        var first = await engine.EvaluateMessageAsync(Message(RoomKind.Group, Adult(), [Teen13()], roomId: "lobby-1", connected: ["teen-13"], counters: counters));
        var second = await engine.EvaluateMessageAsync(Message(RoomKind.Group, Adult(), [Child()], roomId: "lobby-2", connected: ["child-10"], counters: counters));
        var four = await Strict().EvaluateMessageAsync(Message(RoomKind.Group, Adult(), [Teen13()], connected: ["teen-13"], counters: new UserCounters { DistinctMinorsContacted24h = 4 }));

        var escalation = Assert.Single(first);
        Assert.Equal("fan-out-adult-to-minors", escalation.RuleId);
        Assert.Equal(Severity.High, escalation.Severity);
        Assert.Empty(second);
        Assert.Empty(four);
    }

    [Fact]
    public async Task StrictMinors_SextortionAgainstMinor_EscalatesCriticalAndNudgesOnce()
    {
        var engine = Strict();
        var extorter = Teen13("fake-girl"); // sextortion rules apply whatever the sender's declared age

        var first = await engine.EvaluateMessageAsync(Message(RoomKind.Group, extorter, [Teen13()], connected: ["teen-13"], sextortion: 0.8f));
        var second = await engine.EvaluateMessageAsync(Message(RoomKind.Group, extorter, [Teen13()], connected: ["teen-13"], sextortion: 0.9f));

        Assert.Equal(
            ["sextortion-escalate:escalate", "sextortion-escalate:freeze", "sextortion-escalate:hold-sender", "held-sender-to-minor:hold", "held-sender-to-minor:warn-recipient", "sextortion-nudge:warn-recipient"],
            Rules(first));
        Assert.Equal(Severity.Critical, first[0].Severity);
        var nudge = first[^1];
        Assert.Contains("Take It Down", nudge.Nudge, StringComparison.Ordinal);
        Assert.Contains("not in trouble", nudge.Nudge, StringComparison.Ordinal);
        Assert.Equal(["teen-13"], nudge.TargetUserIds);
        // Still held (a level action) until a reviewer decides; nothing fires twice.
        Assert.Equal(["held-sender-to-minor:hold"], Rules(second));
    }

    [Fact]
    public async Task StrictMinors_GroomingWithSecrecy_EscalatesAndNudgesMinor()
    {
        var decisions = await Strict().EvaluateMessageAsync(
            Message(RoomKind.Group, Adult(), [Teen13()], connected: ["teen-13"], grooming: 0.65f, conversationSignals: [SignalNames.Secrecy]));

        // The hold placed with the escalation comes first: the minor gets the calm held-sender nudge, not the secrecy one.
        Assert.Equal(
            ["grooming-escalate:escalate", "grooming-escalate:hold-sender", "held-sender-to-minor:hold", "held-sender-to-minor:warn-recipient"],
            Rules(decisions));
    }

    [Fact]
    public async Task StrictMinors_GroomingTowardsSelfDeclaredAdult_UsesUnknownThreshold()
    {
        // Self-declared adult age is not believed by strict-minors: the recipient gets the "unknown" threshold (the model's
        // alert threshold, 0.9 here) rather than the adult one (model + 0.02). No minor is present, so nothing is held.
        var model = new Dictionary<string, float> { [HarmNames.Grooming] = 0.9f, [HarmNames.Sextortion] = 0.85f };
        var strict = await Strict().EvaluateMessageAsync(Message(RoomKind.Group, Adult(), [SelfDeclaredAdult()], grooming: 0.91f, modelThresholds: model));
        var standard = await Standard().EvaluateMessageAsync(Message(RoomKind.Group, Adult(), [SelfDeclaredAdult()], grooming: 0.91f, modelThresholds: model));

        Assert.Equal(["grooming-escalate:escalate", "grooming-escalate:hold-sender"], Rules(strict));
        Assert.Empty(standard);
    }

    [Fact]
    public async Task Standard_NonConnectedAdultDmsMinor_NotBlocked()
    {
        Assert.Empty(await Standard().EvaluateMessageAsync(Message(RoomKind.Direct, Adult(), [Teen13()])));
    }

    [Fact]
    public async Task Standard_LinkFromNonConnectionToMinor_WarnsInsteadOfHolding()
    {
        var decisions = await Standard().EvaluateMessageAsync(Message(RoomKind.Group, Adult(), [Teen13()], features: new MessageFeatures { HasLink = true }));

        Assert.Equal(["media-from-non-connection-to-minor-warn:warn-recipient"], Rules(decisions));
    }

    [Fact]
    public async Task Standard_ThresholdsAreHigherButClearCasesStillEscalate()
    {
        var engine = Standard();
        var model = new Dictionary<string, float> { [HarmNames.Grooming] = 0.9f, [HarmNames.Sextortion] = 0.85f };

        // A teen: strict-minors escalates at the model's alert threshold (0.9 here), standard at model + 0.01.
        Assert.NotEmpty(await Strict().EvaluateMessageAsync(Message(RoomKind.Group, Adult(), [Teen13()], grooming: 0.905f, modelThresholds: model)));
        Assert.Empty(await engine.EvaluateMessageAsync(Message(RoomKind.Group, Adult(), [Teen13()], grooming: 0.905f, modelThresholds: model)));
        Assert.Equal(["grooming-escalate:escalate"], Rules(await engine.EvaluateMessageAsync(Message(RoomKind.Group, Adult(), [Teen13()], roomId: "room-2", grooming: 0.95f, modelThresholds: model))));
        Assert.Equal(
            ["fan-out-adult-to-minors:escalate"],
            Rules(await engine.EvaluateMessageAsync(Message(RoomKind.Group, Adult(), [Teen13()], connected: ["teen-13"], counters: new UserCounters { DistinctMinorsContacted24h = 10 }))));
    }
}
