using Microsoft.Extensions.Time.Testing;
using SafeChat.Conversations;
using SafeChat.Policies;
using SafeChat.Scoring;
using static SafeChat.Core.Tests.Policies.PolicyTestData;

namespace SafeChat.Core.Tests.Policies;

public class PolicyEngineTests
{
    private readonly FakeTimeProvider _time = new(Start);

    private static PolicyDefinition GroomingPolicy(bool shadow = false, bool ruleShadow = false) => new PolicyBuilder("grooming-test")
        .Shadow(shadow)
        .Threshold(HarmNames.Grooming, child: 0.5f, teen: 0.6f, adult: 0.9f, unknown: 0.7f)
        .MessageRule("grooming-escalate", r => r
            .SenderAges(AgeBand.Adult, AgeBand.Unknown)
            .RecipientAges(AgeBand.Child, AgeBand.Teen)
            .Risk(HarmNames.Grooming)
            .Escalate(Severity.High)
            .Shadow(ruleShadow))
        .MessageRule("grooming-nudge", r => r
            .RecipientAges(AgeBand.Child, AgeBand.Teen)
            .Risk(HarmNames.Grooming)
            .ConversationSignals(SignalNames.Secrecy)
            .WarnRecipient("This person asked you to keep a secret; that's a warning sign."))
        .Build();

    private PolicyEngine Engine(PolicyDefinition policy) => new(policy, new InMemoryPolicyStateStore(_time), _time);

    private async Task<List<Decision>> Send(PolicyEngine engine, float grooming, string roomId = "room-1", Participant? sender = null, Participant? recipient = null, string[]? signals = null, int index = 0)
    {
        var context = Message(RoomKind.Direct, sender ?? Adult(), [recipient ?? Teen13()], roomId, connected: ["teen-13"], grooming: grooming, conversationSignals: signals, index: index);
        return [.. await engine.EvaluateMessageAsync(context)];
    }

    [Fact]
    public async Task EvaluateMessage_GroomingRiskRisingOverMessages_EscalatesOnce()
    {
        var engine = Engine(GroomingPolicy());
        float[] risks = [0.1f, 0.3f, 0.45f, 0.62f, 0.7f, 0.85f, 0.9f, 0.95f];
        var escalations = new List<(int Index, Decision Decision)>();
        for (var i = 0; i < risks.Length; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            foreach (var d in await Send(engine, risks[i], index: i))
            {
                escalations.Add((i, d));
            }
        }

        var (index, decision) = Assert.Single(escalations);
        Assert.Equal(3, index);
        Assert.Equal("grooming-escalate", decision.RuleId);
        Assert.Equal(PolicyAction.Escalate, decision.Action);
        Assert.Equal(Severity.High, decision.Severity);
        Assert.Equal("adult-1", decision.SubjectUserId);
        Assert.Equal(["teen-13"], decision.TargetUserIds);
        Assert.Equal(HarmNames.Grooming, decision.Harm);
        Assert.Equal(0.62f, decision.Risk);
        Assert.False(decision.Shadow);
    }

    [Fact]
    public async Task EvaluateMessage_RiskDropsBelowHysteresisAndCooldownPasses_FiresAgain()
    {
        var engine = Engine(GroomingPolicy());
        Assert.Single(await Send(engine, 0.7f));

        Assert.Empty(await Send(engine, 0.45f)); // below 0.6 - 0.1: cleared
        _time.Advance(TimeSpan.FromHours(25));

        var again = Assert.Single(await Send(engine, 0.7f));
        Assert.Equal("grooming-escalate", again.RuleId);
    }

    [Fact]
    public async Task EvaluateMessage_RiskDipsOnlyIntoHysteresisBand_StaysLatched()
    {
        var engine = Engine(GroomingPolicy());
        Assert.Single(await Send(engine, 0.7f));

        Assert.Empty(await Send(engine, 0.55f)); // within the 0.1 margin: not cleared
        _time.Advance(TimeSpan.FromHours(48));

        Assert.Empty(await Send(engine, 0.8f));
    }

    [Fact]
    public async Task EvaluateMessage_ClearedBeforeCooldownEnds_FiresOnlyAfterCooldown()
    {
        var engine = Engine(GroomingPolicy());
        Assert.Single(await Send(engine, 0.7f));
        Assert.Empty(await Send(engine, 0.2f));

        _time.Advance(TimeSpan.FromHours(23));
        Assert.Empty(await Send(engine, 0.7f));

        _time.Advance(TimeSpan.FromHours(1));
        Assert.Single(await Send(engine, 0.7f));
    }

    [Fact]
    public async Task EvaluateMessage_NudgeRule_UsesTenMinuteDefaultCooldown()
    {
        var engine = Engine(GroomingPolicy());
        string[] secrecy = [SignalNames.Secrecy];

        var first = await Send(engine, 0.7f, signals: secrecy);
        Assert.Equal(["grooming-escalate", "grooming-nudge"], first.Select(d => d.RuleId));
        var nudge = first[1];
        Assert.Equal(PolicyAction.WarnRecipient, nudge.Action);
        Assert.Equal(["teen-13"], nudge.TargetUserIds);

        Assert.Empty(await Send(engine, 0.7f, signals: secrecy));
        Assert.Empty(await Send(engine, 0.3f));  // cleared
        _time.Advance(TimeSpan.FromMinutes(11));

        var second = Assert.Single(await Send(engine, 0.7f, signals: secrecy));
        Assert.Equal("grooming-nudge", second.RuleId);
    }

    [Fact]
    public async Task EvaluateMessage_OtherConversationOrSubject_HasItsOwnLatch()
    {
        var engine = Engine(GroomingPolicy());

        Assert.Single(await Send(engine, 0.7f, roomId: "room-1"));
        Assert.Single(await Send(engine, 0.7f, roomId: "room-2"));
        Assert.Single(await Send(engine, 0.7f, roomId: "room-1", sender: Adult("adult-2")));
        Assert.Empty(await Send(engine, 0.7f, roomId: "room-1"));
    }

    [Fact]
    public async Task EvaluateMessage_ThresholdFollowsRecipientAgeBand()
    {
        var engine = Engine(GroomingPolicy());

        Assert.Empty(await Send(engine, 0.55f, recipient: Teen13()));
        Assert.Single(await Send(engine, 0.55f, roomId: "room-2", recipient: Child()));
    }

    [Fact]
    public async Task EvaluateMessage_ParallelMessagesInOneConversation_EscalateOnce()
    {
        var engine = Engine(GroomingPolicy());

        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() => Send(engine, 0.8f, index: i))));

        Assert.Single(results.SelectMany(r => r));
    }

    [Fact]
    public async Task EvaluateMessage_ShadowPolicy_MarksEveryDecisionShadow()
    {
        var engine = Engine(GroomingPolicy(shadow: true));

        var decisions = await Send(engine, 0.8f, signals: [SignalNames.Secrecy]);

        Assert.Equal(2, decisions.Count);
        Assert.All(decisions, d => Assert.True(d.Shadow));
    }

    [Fact]
    public async Task EvaluateMessage_ShadowRule_MarksOnlyThatRule()
    {
        var engine = Engine(GroomingPolicy(ruleShadow: true));

        var decisions = await Send(engine, 0.8f, signals: [SignalNames.Secrecy]);

        Assert.True(decisions.Single(d => d.RuleId == "grooming-escalate").Shadow);
        Assert.False(decisions.Single(d => d.RuleId == "grooming-nudge").Shadow);
    }

    [Fact]
    public async Task EvaluateMessage_StopRule_SkipsLaterRulesButShadowStopDoesNot()
    {
        PolicyDefinition Build(bool shadow) => new PolicyBuilder("stop-test")
            .MessageRule("trusted-staff", r => r.SenderAssurance(AgeAssurance.Verified).Allow().Stop().Shadow(shadow))
            .MessageRule("block-direct", r => r.Rooms(RoomKind.Direct).Block())
            .Build();

        var live = await Engine(Build(shadow: false)).EvaluateMessageAsync(Message(RoomKind.Direct, Adult(), [Teen13()]));
        var shadowed = await Engine(Build(shadow: true)).EvaluateMessageAsync(Message(RoomKind.Direct, Adult(), [Teen13()]));

        Assert.Equal(["trusted-staff:Allow"], live.Select(d => $"{d.RuleId}:{d.Action}"));
        Assert.Equal(["trusted-staff:Allow", "block-direct:Block"], shadowed.Select(d => $"{d.RuleId}:{d.Action}"));
    }

    [Fact]
    public async Task EvaluateMessage_FeaturesCountersAndMessageSignals_AllMustHold()
    {
        var policy = new PolicyBuilder("conditions")
            .MessageRule("contact-handle-to-minor", r => r
                .Features(MessageFeature.ContactHandle, MessageFeature.Link)
                .MessageSignals(SignalNames.OffPlatform)
                .Counter("messages_1h", min: 3, max: 100)
                .RecipientAges(AgeBand.Child, AgeBand.Teen)
                .WarnSender("Sharing contact details with people you just met can be risky.")
                .Hold())
            .Build();
        var engine = Engine(policy);
        var link = new MessageFeatures { HasLink = true };
        string[] offPlatform = [SignalNames.OffPlatform];

        Assert.Empty(await engine.EvaluateMessageAsync(Message(RoomKind.Group, Adult(), [Teen13()], features: link, messageSignals: offPlatform, counters: new UserCounters { MessagesLastHour = 2 })));
        Assert.Empty(await engine.EvaluateMessageAsync(Message(RoomKind.Group, Adult(), [Teen13()], messageSignals: offPlatform, counters: new UserCounters { MessagesLastHour = 5 })));
        Assert.Empty(await engine.EvaluateMessageAsync(Message(RoomKind.Group, Adult(), [Teen13()], features: link, counters: new UserCounters { MessagesLastHour = 5 })));
        Assert.Empty(await engine.EvaluateMessageAsync(Message(RoomKind.Group, Adult(), [Adult("adult-2")], features: link, messageSignals: offPlatform, counters: new UserCounters { MessagesLastHour = 5 })));

        var matched = await engine.EvaluateMessageAsync(Message(RoomKind.Group, Adult(), [Teen13(), Adult("adult-2")], features: link, messageSignals: offPlatform, counters: new UserCounters { MessagesLastHour = 5 }));

        Assert.Equal([PolicyAction.Hold, PolicyAction.WarnSender], matched.Select(d => d.Action));
        Assert.Equal(["teen-13"], matched[0].TargetUserIds);
        Assert.Equal(["adult-1"], matched[1].TargetUserIds);
        Assert.Null(matched[0].Harm);
    }

    [Fact]
    public async Task EvaluateMessage_DisabledRule_NeverMatches()
    {
        var policy = new PolicyBuilder("disabled").MessageRule("off", r => r.Block().Enabled(false)).Build();

        Assert.Empty(await Engine(policy).EvaluateMessageAsync(Message(RoomKind.Direct, Adult(), [Teen13()])));
    }

    [Fact]
    public async Task EvaluateMessage_Decisions_NeverCarryMessageText()
    {
        var engine = Engine(PolicyPresets.Load(PolicyPresets.StrictMinors));
        const string text = "UNIQUE-MESSAGE-TEXT keep this our secret";

        var decisions = await engine.EvaluateMessageAsync(Message(RoomKind.Private, Adult(), [Teen13()], grooming: 0.9f, sextortion: 0.9f, conversationSignals: [SignalNames.Secrecy], text: text));

        Assert.NotEmpty(decisions);
        Assert.DoesNotContain("UNIQUE-MESSAGE-TEXT", Describe(decisions), StringComparison.Ordinal);
    }

    [Fact]
    public void Version_IsThePolicyVersion()
    {
        var policy = GroomingPolicy();

        Assert.Equal(policy.Version, Engine(policy).Version);
        Assert.Matches("^grooming-test@[0-9a-f]{12}$", policy.Version);
    }

    [Fact]
    public void EffectiveAgeBand_AdultBelowTrustedAssurance_IsUnknown()
    {
        var policy = new PolicyBuilder("trust").TrustAdultAgeFrom(AgeAssurance.Estimated).Build();

        Assert.Equal(AgeBand.Unknown, policy.EffectiveAgeBand(SelfDeclaredAdult()));
        Assert.Equal(AgeBand.Adult, policy.EffectiveAgeBand(Adult()));
        Assert.Equal(AgeBand.Teen, policy.EffectiveAgeBand(Teen13()));
    }
}
