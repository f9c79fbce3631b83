using Microsoft.Extensions.Time.Testing;
using SafeChat.Conversations;
using SafeChat.Policies;
using SafeChat.Scoring;
using static SafeChat.Core.Tests.Policies.PolicyTestData;

namespace SafeChat.Core.Tests.Policies;

/// <summary>strict-minors with relationships, model-relative thresholds and standing sender holds.</summary>
public class RelationshipAndHoldTests
{
    private static readonly Dictionary<string, float> Model = new() { [HarmNames.Grooming] = 0.96f, [HarmNames.Sextortion] = 0.86f };
    private readonly FakeTimeProvider _time = new(Start);

    private PolicyEngine Strict() => new(PolicyPresets.Load(PolicyPresets.StrictMinors), new InMemoryPolicyStateStore(_time), _time);

    private static string[] Rules(IEnumerable<Decision> decisions) => decisions.Select(d => $"{d.RuleId}:{PolicyNames.Of(d.Action)}").ToArray();

    private static Dictionary<string, Relationship> GuardianOf(string childId, RelationshipBasis basis = RelationshipBasis.VerifiedByPlatform) =>
        new() { [childId] = new Relationship(RelationshipKind.Guardian, basis) };

    [Fact]
    public async Task EvaluateMessage_GuardianDmsOwnChild_NotBlocked()
    {
        var dad = Adult("dad");

        var decisions = await Strict().EvaluateMessageAsync(Message(RoomKind.Direct, dad, [Child()], relationships: GuardianOf("child-10"), modelThresholds: Model));

        Assert.Empty(decisions);
    }

    [Fact]
    public async Task EvaluateMessage_StrangerDmsChild_StillBlocked()
    {
        var decisions = await Strict().EvaluateMessageAsync(Message(RoomKind.Direct, Adult("stranger"), [Child()], modelThresholds: Model));

        Assert.Equal(["dm-non-connected-adult-to-minor:block"], Rules(decisions));
    }

    [Fact]
    public async Task EvaluateMessage_GuardianSafetyAdviceWithSecrecyBelowModelThreshold_NothingFires()
    {
        // 0.9 would have escalated and nudged under the old fixed 0.5/0.6 thresholds; the model's alert level is 0.96.
        var decisions = await Strict().EvaluateMessageAsync(Message(
            RoomKind.Direct, Adult("dad"), [Child()], relationships: GuardianOf("child-10"), grooming: 0.9f,
            conversationSignals: [SignalNames.Secrecy], modelThresholds: Model));

        Assert.Empty(decisions);
    }

    [Fact]
    public async Task EvaluateMessage_VerifiedGuardianOverGroomingThreshold_EscalatesAndHoldsButDoesNotNudge()
    {
        // A relationship is never a free pass for grooming risk; only the secrecy nudge is skipped for a guardian.
        var decisions = await Strict().EvaluateMessageAsync(Message(
            RoomKind.Direct, Adult("dad"), [Child()], relationships: GuardianOf("child-10"), grooming: 0.97f,
            conversationSignals: [SignalNames.Secrecy], modelThresholds: Model));

        Assert.Equal(["grooming-escalate:escalate", "grooming-escalate:hold-sender", "held-sender-to-minor:hold", "held-sender-to-minor:warn-recipient"], Rules(decisions));
    }

    [Theory]
    [InlineData(RelationshipBasis.Declared, true)]
    [InlineData(RelationshipBasis.VerifiedByPlatform, false)]
    public async Task EvaluateMessage_GuardianWithSecrecyAfterHoldLifted_NudgesTheChildOnlyForAnUnverifiedGuardian(RelationshipBasis basis, bool nudged)
    {
        var engine = Strict();
        var first = await engine.EvaluateMessageAsync(Message(
            RoomKind.Direct, Adult("parent"), [Child()], relationships: GuardianOf("child-10", basis), grooming: 0.97f,
            conversationSignals: [SignalNames.Secrecy], modelThresholds: Model, index: 0));
        await engine.Holds.LiftHoldAsync("room-1", "parent");
        var second = await engine.EvaluateMessageAsync(Message(
            RoomKind.Direct, Adult("parent"), [Child()], relationships: GuardianOf("child-10", basis), grooming: 0.97f,
            conversationSignals: [SignalNames.Secrecy], modelThresholds: Model, index: 1));

        Assert.DoesNotContain("grooming-secrecy-nudge:warn-recipient", Rules(first));
        Assert.Equal(nudged, Rules(second).Contains("grooming-secrecy-nudge:warn-recipient"));
    }

    [Fact]
    public async Task EvaluateMessage_RiskBetweenOldFixedAndModelThreshold_DoesNotEscalate()
    {
        var decisions = await Strict().EvaluateMessageAsync(Message(RoomKind.Public, Adult(), [Teen13()], grooming: 0.95f, modelThresholds: Model));

        Assert.Empty(decisions);
    }

    [Fact]
    public async Task EvaluateMessage_AfterGroomingEscalationInPublicRoom_HoldsEveryLaterMessageUntilReviewerLifts()
    {
        var engine = Strict();
        var offender = Adult("offender");

        var crossing = await engine.EvaluateMessageAsync(Message(RoomKind.Public, offender, [Teen13()], roomId: "arcade", grooming: 0.97f, modelThresholds: Model, index: 5));
        var next = await engine.EvaluateMessageAsync(Message(RoomKind.Public, offender, [Teen13()], roomId: "arcade", grooming: 0.5f, modelThresholds: Model, index: 6));
        var elsewhere = await engine.EvaluateMessageAsync(Message(RoomKind.Public, offender, [Teen13()], roomId: "other-room", modelThresholds: Model));
        var lifted = await engine.Holds.LiftHoldAsync("arcade", "offender");
        var afterReview = await engine.EvaluateMessageAsync(Message(RoomKind.Public, offender, [Teen13()], roomId: "arcade", grooming: 0.97f, modelThresholds: Model, index: 7));

        Assert.Equal(["grooming-escalate:escalate", "grooming-escalate:hold-sender", "held-sender-to-minor:hold", "held-sender-to-minor:warn-recipient"], Rules(crossing));
        Assert.Contains("haven't done anything wrong", crossing[3].Nudge, StringComparison.Ordinal);
        Assert.Equal(["teen-13"], crossing[3].TargetUserIds);
        Assert.Equal(["held-sender-to-minor:hold"], Rules(next));
        Assert.Empty(elsewhere);
        Assert.True(lifted);
        Assert.Empty(afterReview); // the escalation stays latched: a reviewer's decision is not overridden by the next message
    }

    [Fact]
    public async Task EvaluateMessage_HeldSenderWritingToAdultsOnly_NotHeld()
    {
        var engine = Strict();
        await engine.Holds.PlaceHoldAsync("lobby", "offender", new SenderHold("grooming-escalate", Start));

        var decisions = await engine.EvaluateMessageAsync(Message(RoomKind.Public, Adult("offender"), [Adult("other")], roomId: "lobby", modelThresholds: Model));

        Assert.Empty(decisions);
    }

    [Fact]
    public async Task EvaluateMessageWithoutState_HeldSender_SeesNoHold()
    {
        var engine = Strict();
        await engine.Holds.PlaceHoldAsync("lobby", "offender", new SenderHold("grooming-escalate", Start));

        var decisions = engine.EvaluateMessageWithoutState(Message(RoomKind.Public, Adult("offender"), [Teen13()], roomId: "lobby"));

        Assert.Empty(decisions);
    }

    [Fact]
    public async Task GetRelationship_InMemoryDirectory_ReturnsBothSides()
    {
        var directory = new InMemoryConnectionDirectory();
        directory.Relate("mum", "kid", new Relationship(RelationshipKind.Guardian, RelationshipBasis.VerifiedByPlatform));

        Assert.Equal(new Relationship(RelationshipKind.Guardian, RelationshipBasis.VerifiedByPlatform), await directory.GetRelationshipAsync("mum", "kid"));
        Assert.Equal(new Relationship(RelationshipKind.Ward, RelationshipBasis.VerifiedByPlatform), await directory.GetRelationshipAsync("kid", "mum"));
        Assert.True(await directory.AreConnectedAsync("kid", "mum"));
        directory.Disconnect("mum", "kid");
        Assert.Null(await directory.GetRelationshipAsync("mum", "kid"));
    }

    [Fact]
    public void Parse_ModelThresholdsAndRelationshipCondition_ReadAndWrittenBack()
    {
        const string json = """
            { "id": "t",
              "thresholds": { "grooming": { "child": "model-0.02", "default": "model" }, "sextortion": "model+0.01" },
              "rules": [ { "id": "r", "when": { "relationship": { "kind": ["teacher-coach", "none"], "established": ["declared"], "not": true }, "risk": { "harm": "grooming" } },
                           "actions": ["hold-sender", "hold"] } ] }
            """;

        var policy = PolicyLoader.Parse(json, "t.json");
        var reloaded = PolicyLoader.Parse(PolicyWriter.ToJson(policy), "t2.json");

        var grooming = policy.Thresholds[HarmNames.Grooming];
        Assert.Equal(0.94f, grooming.For(AgeBand.Child, 0.96f), 4);
        Assert.Equal(0.96f, grooming.For(AgeBand.Teen, 0.96f), 4);
        Assert.Equal(0.48f, grooming.For(AgeBand.Child, null), 4);
        Assert.Equal(1f, policy.Thresholds[HarmNames.Sextortion].For(AgeBand.Adult, 0.995f));
        var condition = policy.Rules[0].Conditions.Relationship!;
        Assert.True(condition.Not);
        Assert.True(condition.MatchesNone);
        Assert.False(condition.Matches(null));
        Assert.True(condition.Matches(new Relationship(RelationshipKind.Friend)));
        Assert.False(condition.Matches(new Relationship(RelationshipKind.TeacherOrCoach)));
        Assert.Equal(PolicyWriter.ToJson(policy), PolicyWriter.ToJson(reloaded));
    }

    [Fact]
    public void Parse_BadModelThresholdAndRelationshipKind_ErrorsNameThePlace()
    {
        const string json = """
            { "id": "t",
              "thresholds": { "grooming": { "child": "modle", "default": "model+2" } },
              "rules": [ { "id": "r", "on": "join", "when": { "relationship": ["gaurdian"] }, "actions": ["hold-sender"] } ] }
            """;

        var ex = Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse(json, "bad.json"));

        var paths = ex.Errors.Select(e => e.Path).ToArray();
        Assert.Contains("thresholds.grooming.child", paths);
        Assert.Contains("thresholds.grooming.teen", paths); // "model+2": the offset is out of [-1, 1]
        Assert.Contains("rules[0].when.relationship[0]", paths);
        Assert.Contains("rules[0].actions[0]", paths);
        Assert.Contains(ex.Errors, e => e.Reason.Contains("did you mean 'guardian'", StringComparison.Ordinal));
    }
}
