using System.Text.Json.Nodes;
using SafeChat.Conversations;
using SafeChat.Policies;
using SafeChat.Scoring;
using static SafeChat.Core.Tests.Policies.PolicyTestData;

namespace SafeChat.Core.Tests.Policies;

public class PolicyBuilderTests
{
    private const string SecretNudge = "This person asked you to keep a secret; that's a warning sign. You can block them and talk to a trusted adult.";
    private const string SextortionNudge = "Someone threatening to share images of you is committing a crime. You are not in trouble: talk to a trusted adult. NCMEC's Take It Down (takeitdown.ncmec.org) can help remove images.";

    private const string HeldNudge = "Some messages sent to you are waiting for a safety check by our team. You haven't done anything wrong. If anything feels off, you can block this person and talk to a trusted adult.";

    private static readonly AgeBand[] Minor = [AgeBand.Child, AgeBand.Teen];
    private static readonly AgeBand[] AdultOrUnknown = [AgeBand.Adult, AgeBand.Unknown];

    /// <summary>strict-minors written with the builder (descriptions left out).</summary>
    private static PolicyDefinition StrictMinorsInCode() => new PolicyBuilder("strict-minors")
        .TrustAdultAgeFrom(AgeAssurance.Estimated)
        .ModelThreshold(HarmNames.Grooming, adult: 0.02f)
        .ModelThreshold(HarmNames.Sextortion, adult: 0.05f)
        .ModelThreshold(HarmNames.Trafficking, adult: 0.05f)
        .ModelThreshold(HarmNames.LivestreamCoercion, adult: 0.05f)
        .JoinRule("private-room-minor-join", r => r.Rooms(RoomKind.Private).JoinerAges(Minor).MemberAges(AdultOrUnknown).DenyJoin())
        .JoinRule("private-room-adult-join", r => r.Rooms(RoomKind.Private).JoinerAges(AdultOrUnknown).MemberAges(Minor).DenyJoin())
        .MessageRule("private-room-adult-to-minor", r => r.Rooms(RoomKind.Private).SenderAges(AdultOrUnknown).RecipientAges(Minor).Block())
        .MessageRule("private-room-minor-to-adult", r => r.Rooms(RoomKind.Private).SenderAges(Minor).RecipientAges(AdultOrUnknown).Block())
        .MessageRule("dm-non-connected-adult-to-minor", r => r.Rooms(RoomKind.Direct).SenderAges(AdultOrUnknown).RecipientAges(Minor).Connected(false).Block())
        .MessageRule("media-from-non-connection-to-minor", r => r.Features(MessageFeature.Link, MessageFeature.Image).RecipientAges(Minor).Connected(false).Hold())
        .MessageRule("fan-out-adult-to-minors", r => r.SenderAges(AdultOrUnknown).RecipientAges(Minor).Counter("distinct_minors_24h", min: 5).Escalate(Severity.High).OncePerSubject())
        .MessageRule("grooming-escalate", r => r.SenderAges(AdultOrUnknown).RecipientAges(AgeBand.Child, AgeBand.Teen, AgeBand.Unknown).Risk(HarmNames.Grooming).Escalate(Severity.High).HoldSender())
        .MessageRule("grooming-secrecy-nudge", r => r.SenderAges(AdultOrUnknown).RecipientAges(Minor)
            .Relationship(new RelationshipCondition([RelationshipKind.Guardian], Established: [RelationshipBasis.MutualFollow, RelationshipBasis.VerifiedByPlatform], Not: true))
            .SenderHeld(false)
            .Risk(HarmNames.Grooming).ConversationSignals(SignalNames.Secrecy).WarnRecipient(SecretNudge))
        .MessageRule("sextortion-escalate", r => r.RecipientAges(AgeBand.Child, AgeBand.Teen, AgeBand.Unknown).Risk(HarmNames.Sextortion).Escalate(Severity.Critical).Freeze().HoldSender())
        .MessageRule("trafficking-escalate", r => r.SenderAges(AdultOrUnknown).RecipientAges(AgeBand.Child, AgeBand.Teen, AgeBand.Unknown).Risk(HarmNames.Trafficking).Escalate(Severity.High).HoldSender())
        .MessageRule("livestream-coercion-escalate", r => r.SenderAges(AdultOrUnknown).RecipientAges(AgeBand.Child, AgeBand.Teen, AgeBand.Unknown).Risk(HarmNames.LivestreamCoercion).Escalate(Severity.High).HoldSender())
        .MessageRule("livestream-coercion-room-escalate", r => r.SenderAges(AdultOrUnknown).RecipientAges(AgeBand.Child, AgeBand.Teen, AgeBand.Unknown).Risk(HarmNames.LivestreamCoercion, RiskSource.Room).Escalate(Severity.High))
        .MessageRule("held-sender-to-minor", r => r.SenderHeld().RecipientAges(Minor).Hold().WarnRecipient(HeldNudge))
        .MessageRule("sextortion-nudge", r => r.RecipientAges(AgeBand.Child, AgeBand.Teen, AgeBand.Unknown).Risk(HarmNames.Sextortion).WarnRecipient(SextortionNudge))
        .MessageRule("known-csam-match", r => r.Features(MessageFeature.KnownCsamMatch).Block().Freeze().Escalate(Severity.Critical))
        .MessageRule("shared-signal-lead", r => r.Features(MessageFeature.SharedSignalLead).Escalate(Severity.Medium))
        .Build();

    [Fact]
    public void Build_StrictMinorsInCode_EqualsThePresetFileRuleGraph()
    {
        Assert.Equal(Canonical(PolicyPresets.Load("strict-minors")), Canonical(StrictMinorsInCode()));
    }

    [Fact]
    public async Task Build_StrictMinorsInCode_BehavesLikeThePresetFile()
    {
        var fromFile = new PolicyEngine(PolicyPresets.Load("strict-minors"));
        var fromCode = new PolicyEngine(StrictMinorsInCode());
        Participant[] people = [Adult(), SelfDeclaredAdult(), Teen13(), Child(), UnknownAge()];
        var compared = 0;
        foreach (var kind in Enum.GetValues<RoomKind>())
        {
            foreach (var sender in people)
            {
                foreach (var recipient in people.Where(p => p.Id != sender.Id))
                {
                    Assert.Equal(
                        Describe(await fromFile.EvaluateJoinAsync(Join(kind, sender, [recipient]))),
                        Describe(await fromCode.EvaluateJoinAsync(Join(kind, sender, [recipient]))));
                    foreach (var connected in new[] { true, false })
                    {
                        foreach (var (grooming, sextortion) in new[] { (0f, 0f), (0.65f, 0f), (0.75f, 0.55f), (0.2f, 0.95f) })
                        {
                            var context = Message(
                                kind, sender, [recipient], roomId: $"{kind}-{sender.Id}-{recipient.Id}-{connected}",
                                connected: connected ? [recipient.Id] : [], grooming: grooming, sextortion: sextortion,
                                conversationSignals: [SignalNames.Secrecy], features: new MessageFeatures { HasLink = grooming > 0.5f },
                                counters: new UserCounters { DistinctMinorsContacted24h = (int)(sextortion * 10) });
                            Assert.Equal(
                                Describe(await fromFile.EvaluateMessageAsync(context)),
                                Describe(await fromCode.EvaluateMessageAsync(context)));
                            compared++;
                        }
                    }
                }
            }
        }

        Assert.Equal(Enum.GetValues<RoomKind>().Length * 5 * 4 * 2 * 4, compared);
    }

    [Fact]
    public void Build_WrittenAndReloaded_KeepsTheSameRulesAndVersion()
    {
        var built = StrictMinorsInCode();
        var json = PolicyWriter.ToJson(built);

        var reloaded = PolicyLoader.Parse(json, "exported.json");

        Assert.Equal(json, PolicyWriter.ToJson(reloaded));
        Assert.Equal(built.Version, reloaded.Version);
    }

    [Fact]
    public void Build_InvalidPolicy_ThrowsWithEveryErrorNamingItsPath()
    {
        var builder = new PolicyBuilder("bad")
            .Threshold(HarmNames.Grooming, 1.5f)
            .MessageRule("dup", r => r.Escalate(Severity.High).Escalate(Severity.Low))
            .MessageRule("dup", r => r.Risk("spam").DenyJoin())
            .JoinRule("join", r => r.Risk(HarmNames.Grooming).Block());

        var ex = Assert.Throws<PolicyValidationException>(builder.Build);

        var paths = ex.Errors.Select(e => e.Path).ToArray();
        Assert.Contains("thresholds.grooming.child", paths);
        Assert.Contains("rules[0].actions[1]", paths);
        Assert.Contains("rules[1].id", paths);
        Assert.Contains("rules[1].when.risk.harm", paths);
        Assert.Contains("rules[1].actions[0]", paths);
        Assert.Contains("rules[2].when.risk", paths);
        Assert.Contains("rules[2].actions[0]", paths);
        Assert.All(ex.Errors, e => Assert.Equal("builder", e.Source));
        Assert.StartsWith("builder: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_CallerMutatesArraysAfterwards_PolicyDoesNotChange()
    {
        RoomKind[] rooms = [RoomKind.Direct];
        var policy = new PolicyBuilder("copy").MessageRule("r", r => r.Rooms(rooms).Block()).Build();

        rooms[0] = RoomKind.Public;

        Assert.Equal([RoomKind.Direct], policy.Rules[0].Conditions.Rooms!);
    }

    private static string Canonical(PolicyDefinition policy)
    {
        var node = JsonNode.Parse(PolicyWriter.ToJson(policy))!.AsObject();
        node.Remove("description");
        foreach (var rule in node["rules"]!.AsArray())
        {
            rule!.AsObject().Remove("description");
            rule.AsObject().Remove("regulation");
        }

        return node.ToJsonString();
    }
}
