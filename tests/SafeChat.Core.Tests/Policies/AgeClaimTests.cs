using Microsoft.Extensions.Time.Testing;
using SafeChat.Conversations;
using SafeChat.Policies;
using SafeChat.Scoring;
using static SafeChat.Core.Tests.Policies.PolicyTestData;

namespace SafeChat.Core.Tests.Policies;

/// <summary>A typed-in age claim can only add protection: an adult who claims to be 14 keeps every adult rule.</summary>
public class AgeClaimTests
{
    private readonly FakeTimeProvider _time = new(Start);

    private PolicyEngine Engine(string preset) => new(PolicyPresets.Load(preset), new InMemoryPolicyStateStore(_time), _time);

    private static string[] Rules(IEnumerable<Decision> decisions) => decisions.Select(d => $"{d.RuleId}:{PolicyNames.Of(d.Action)}").ToArray();

    private static Participant ClaimsFourteen(AgeAssurance assurance = AgeAssurance.SelfDeclared) => new("claims-14", AgeBand.Teen, assurance);

    private static Participant Twelve(AgeAssurance assurance = AgeAssurance.SelfDeclared) => new("child-12", AgeBand.Child, assurance);

    [Theory]
    [InlineData(PolicyPresets.StrictMinors)]
    [InlineData(PolicyPresets.Standard)]
    public async Task EvaluateMessage_SelfDeclaredTeenGrooming_SameDecisionsAsAdultOrUnknownSender(string preset)
    {
        async Task<string[]> Decide(Participant sender) => Rules(await Engine(preset).EvaluateMessageAsync(
            Message(RoomKind.Direct, sender, [Twelve()], connected: ["child-12"], grooming: 0.97f, conversationSignals: [SignalNames.Secrecy])));

        var adult = await Decide(new Participant("claims-14", AgeBand.Adult, AgeAssurance.SelfDeclared));
        var unknown = await Decide(new Participant("claims-14"));
        var claimsFourteen = await Decide(ClaimsFourteen());
        var noAssurance = await Decide(ClaimsFourteen(AgeAssurance.Unknown));

        Assert.Contains("grooming-escalate:escalate", adult);
        // strict-minors holds the sender at once (the child gets the held-sender nudge); standard nudges about the secret.
        Assert.Contains(preset == PolicyPresets.StrictMinors ? "held-sender-to-minor:warn-recipient" : "grooming-secrecy-nudge:warn-recipient", adult);
        Assert.Equal(adult, unknown);
        Assert.Equal(adult, claimsFourteen);
        Assert.Equal(adult, noAssurance);
    }

    [Fact]
    public async Task EvaluateMessage_StrictMinorsSelfDeclaredTeenDmsNonConnectedChild_Blocked()
    {
        var decisions = await Engine(PolicyPresets.StrictMinors).EvaluateMessageAsync(Message(RoomKind.Direct, ClaimsFourteen(), [Twelve()]));

        Assert.Contains("dm-non-connected-adult-to-minor:block", Rules(decisions));
    }

    [Fact]
    public async Task EvaluateMessage_StrictMinorsEstimatedTeenDmsNonConnectedEstimatedChild_NotBlocked()
    {
        var decisions = await Engine(PolicyPresets.StrictMinors).EvaluateMessageAsync(
            Message(RoomKind.Direct, ClaimsFourteen(AgeAssurance.Estimated), [Twelve(AgeAssurance.Estimated)]));

        Assert.Empty(decisions);
    }

    [Fact]
    public async Task EvaluateMessage_StrictMinorsSelfDeclaredTeenInPrivateRoomWithChild_Blocked()
    {
        var decisions = await Engine(PolicyPresets.StrictMinors).EvaluateMessageAsync(
            Message(RoomKind.Private, ClaimsFourteen(), [Twelve()], connected: ["child-12"]));

        Assert.Contains("private-room-adult-to-minor:block", Rules(decisions));
    }

    [Fact]
    public async Task EvaluateJoin_StrictMinorsSelfDeclaredTeenJoinsChildsPrivateRoom_Denied()
    {
        var decisions = await Engine(PolicyPresets.StrictMinors).EvaluateJoinAsync(Join(RoomKind.Private, ClaimsFourteen(), [Twelve()]));

        Assert.Contains("private-room-adult-join:deny-join", Rules(decisions));
    }

    [Fact]
    public async Task EvaluateJoin_StrictMinorsChildJoinsPrivateRoomWithSelfDeclaredTeen_Denied()
    {
        // The member who claims 14 could be an adult: the child is kept out.
        var decisions = await Engine(PolicyPresets.StrictMinors).EvaluateJoinAsync(Join(RoomKind.Private, Twelve(AgeAssurance.Verified), [ClaimsFourteen()]));

        Assert.Contains("private-room-minor-join:deny-join", Rules(decisions));
    }

    [Fact]
    public async Task EvaluateJoin_StrictMinorsVerifiedMinorsJoinPrivateRoom_NoAdultRule()
    {
        var decisions = await Engine(PolicyPresets.StrictMinors).EvaluateJoinAsync(
            Join(RoomKind.Private, ClaimsFourteen(AgeAssurance.Verified), [Twelve(AgeAssurance.Verified)]));

        Assert.Empty(decisions);
    }

    [Theory]
    [InlineData(AgeAssurance.SelfDeclared, new[] { "dm-block:block" })]
    [InlineData(AgeAssurance.Unknown, new[] { "dm-block:block" })]
    [InlineData(AgeAssurance.Verified, new[] { "peer-minors-exempt:allow" })]
    public async Task EvaluateMessage_AllowAndStopRuleForMinors_OnlyAssuredMinorsAreExempted(AgeAssurance assurance, string[] expected)
    {
        var policy = new PolicyBuilder("peer-exempt")
            .MessageRule("peer-minors-exempt", r => r
                .SenderAges(AgeBand.Child, AgeBand.Teen).RecipientAges(AgeBand.Child, AgeBand.Teen).Allow().Stop())
            .MessageRule("dm-block", r => r
                .Rooms(RoomKind.Direct).SenderAges(AgeBand.Adult, AgeBand.Unknown).RecipientAges(AgeBand.Child, AgeBand.Teen).Connected(false).Block())
            .Build();
        var engine = new PolicyEngine(policy, new InMemoryPolicyStateStore(_time), _time);

        var decisions = await engine.EvaluateMessageAsync(Message(RoomKind.Direct, ClaimsFourteen(assurance), [Twelve(AgeAssurance.Verified)]));

        Assert.Equal(expected, Rules(decisions));
    }

    [Fact]
    public async Task EvaluateMessage_ProtectiveStopRuleMatchedOnlyByClaim_DoesNotSkipStricterRule()
    {
        var policy = new PolicyBuilder("stop-test")
            .MessageRule("minor-hold", r => r.SenderAges(AgeBand.Child, AgeBand.Teen).RecipientAges(AgeBand.Child).Hold().Stop())
            .MessageRule("adult-block", r => r.SenderAges(AgeBand.Adult, AgeBand.Unknown).RecipientAges(AgeBand.Child).Block())
            .Build();
        var engine = new PolicyEngine(policy, new InMemoryPolicyStateStore(_time), _time);

        var claimed = await engine.EvaluateMessageAsync(Message(RoomKind.Group, ClaimsFourteen(), [Twelve()]));
        var verified = await engine.EvaluateMessageAsync(Message(RoomKind.Group, ClaimsFourteen(AgeAssurance.Verified), [Twelve()]));

        Assert.Equal(["minor-hold:hold", "adult-block:block"], Rules(claimed));
        Assert.Equal(["minor-hold:hold"], Rules(verified));
    }

    [Fact]
    public async Task EvaluateMessage_SelfDeclaredChildRecipient_GetsChildThreshold()
    {
        // standard, model alert 0.9: 0.91 is above the child threshold (model, 0.9) but below the unknown one (model + 0.02):
        // the claim protects the recipient.
        var model = new Dictionary<string, float> { [HarmNames.Grooming] = 0.9f, [HarmNames.Sextortion] = 0.85f };
        var decisions = await Engine(PolicyPresets.Standard).EvaluateMessageAsync(
            Message(RoomKind.Group, Adult(), [Twelve()], connected: ["child-12"], grooming: 0.91f, modelThresholds: model));

        Assert.Equal(["grooming-escalate:escalate"], Rules(decisions));
    }

    [Fact]
    public void PossibleAgeBands_UnassuredMinorClaim_AlsoUnknownAndAdultWhereAdultsAreBelieved()
    {
        var strict = PolicyPresets.Load(PolicyPresets.StrictMinors);
        var standard = PolicyPresets.Load(PolicyPresets.Standard);

        Assert.Equal([AgeBand.Teen, AgeBand.Unknown], strict.PossibleAgeBands(ClaimsFourteen()));
        Assert.Equal([AgeBand.Teen, AgeBand.Adult, AgeBand.Unknown], standard.PossibleAgeBands(ClaimsFourteen()));
        Assert.Equal([AgeBand.Teen], strict.PossibleAgeBands(ClaimsFourteen(AgeAssurance.Estimated)));
        Assert.Equal([AgeBand.Unknown], strict.PossibleAgeBands(SelfDeclaredAdult()));
    }

    [Fact]
    public void EvaluateMessageWithoutState_StrictMinors_BlocksWithoutTouchingTheStateStore()
    {
        var store = new ThrowingStateStore();
        var engine = new PolicyEngine(PolicyPresets.Load(PolicyPresets.StrictMinors), store, _time);

        var dm = engine.EvaluateMessageWithoutState(Message(RoomKind.Direct, Adult(), [Twelve()], grooming: 0.99f, conversationSignals: [SignalNames.Secrecy]));
        var join = engine.EvaluateJoinWithoutState(Join(RoomKind.Private, ClaimsFourteen(), [Twelve()]));

        Assert.Equal(["dm-non-connected-adult-to-minor:block"], Rules(dm));
        Assert.Contains("private-room-adult-join:deny-join", Rules(join));
        Assert.Equal(0, store.Calls);
    }

    private sealed class ThrowingStateStore : IPolicyStateStore
    {
        public int Calls { get; private set; }

        public ValueTask<bool> TryFireAsync(PolicyStateKey key, DateTimeOffset now, TimeSpan cooldown, CancellationToken cancellationToken = default)
        {
            Calls++;
            throw new InvalidOperationException("state store is down");
        }

        public ValueTask MarkClearedAsync(PolicyStateKey key, CancellationToken cancellationToken = default)
        {
            Calls++;
            throw new InvalidOperationException("state store is down");
        }
    }
}
