using Microsoft.Extensions.Time.Testing;
using SafeChat.Conversations;
using SafeChat.Evidence;
using SafeChat.Policies;
using SafeChat.Scoring;
using static SafeChat.Core.Tests.Policies.PolicyTestData;

namespace SafeChat.Core.Tests.Policies;

/// <summary>Trafficking, livestream coercion and room-level risk in the presets.</summary>
public class NewHarmPresetTests
{
    private static readonly Dictionary<string, float> ModelThresholds = new(StringComparer.Ordinal)
    {
        [HarmNames.Grooming] = 0.9f,
        [HarmNames.Sextortion] = 0.8f,
        [HarmNames.Trafficking] = 0.7f,
        [HarmNames.LivestreamCoercion] = 0.6f,
    };

    private readonly FakeTimeProvider _time = new(Start);

    private PolicyEngine Engine(string preset) => new(PolicyPresets.Load(preset), new InMemoryPolicyStateStore(_time), _time);

    private static string[] Rules(IEnumerable<Decision> decisions) => decisions.Select(d => $"{d.RuleId}:{PolicyNames.Of(d.Action)}").ToArray();

    private static MessageContext WithHarms(MessageContext context, Dictionary<string, float> sender, RoomRisk? room = null)
    {
        var conversation = HarmNames.All.ToDictionary(h => h, h => Math.Max(sender.GetValueOrDefault(h), room?.Harms.GetValueOrDefault(h) ?? 0f), StringComparer.Ordinal);
        return context with
        {
            Assessment = new RiskAssessment(conversation, [new AuthorRisk(context.Sender.Id, sender)], [], room),
            SenderHarms = sender,
            ModelAlertThresholds = ModelThresholds,
        };
    }

    [Fact]
    public void HarmNames_All_ListsTheFourHarmsInOutputOrder()
    {
        Assert.Equal(["grooming", "sextortion", "trafficking", "livestream_coercion"], HarmNames.All);
        Assert.Equal(["job_offer", "travel_arrangement", "documents_debt", "recruit_peers"], SignalNames.Trafficking);
        Assert.Equal(["camera_command", "tip_for_act"], SignalNames.LivestreamCoercion);
        Assert.Equal(HarmNames.Trafficking, SignalNames.HarmOf(SignalNames.DocumentsDebt));
        Assert.Equal(HarmNames.LivestreamCoercion, SignalNames.HarmOf(SignalNames.TipForAct));
        Assert.Equal(SignalNames.All.Count, HarmNames.All.Sum(h => SignalNames.Of(h).Count));
    }

    [Fact]
    public void DefaultForHarm_NewHarms_MapToTheirCyberTipIncidentTypes()
    {
        Assert.Equal("Child Sex Trafficking", CyberTipIncidentTypes.DefaultForHarm[HarmNames.Trafficking]);
        Assert.Equal("Online Enticement of Children for Sexual Acts", CyberTipIncidentTypes.DefaultForHarm[HarmNames.LivestreamCoercion]);
    }

    [Fact]
    public async Task StrictMinors_TraffickingRiskAboveModelThresholdFromAdultToTeen_EscalatesAndHoldsSender()
    {
        var context = WithHarms(Message(RoomKind.Direct, Adult(), [Teen13()], connected: ["teen-13"]), new() { [HarmNames.Trafficking] = 0.75f });

        var decisions = await Engine(PolicyPresets.StrictMinors).EvaluateMessageAsync(context);

        Assert.Contains("trafficking-escalate:escalate", Rules(decisions));
        Assert.Contains("trafficking-escalate:hold-sender", Rules(decisions));
        Assert.Equal(Severity.High, decisions.First(d => d.RuleId == "trafficking-escalate" && d.Action == PolicyAction.Escalate).Severity);
    }

    [Fact]
    public async Task StrictMinors_TraffickingRiskBelowModelThreshold_NoTraffickingRule()
    {
        var context = WithHarms(Message(RoomKind.Direct, Adult(), [Teen13()], connected: ["teen-13"]), new() { [HarmNames.Trafficking] = 0.65f });

        var decisions = await Engine(PolicyPresets.StrictMinors).EvaluateMessageAsync(context);

        Assert.DoesNotContain(decisions, d => d.RuleId.StartsWith("trafficking", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("strict-minors")]
    [InlineData("standard")]
    public async Task Preset_LivestreamCoercionOfSender_Escalates(string preset)
    {
        var context = WithHarms(Message(RoomKind.Livestream, UnknownAge("viewer"), [Teen13()]), new() { [HarmNames.LivestreamCoercion] = 0.9f });

        var decisions = await Engine(preset).EvaluateMessageAsync(context);

        Assert.Contains("livestream-coercion-escalate:escalate", Rules(decisions));
    }

    [Theory]
    [InlineData("strict-minors")]
    [InlineData("standard")]
    public async Task Preset_RoomLivestreamRiskWithLowSenderRisk_EscalatesTheRoomRuleOnly(string preset)
    {
        var room = new RoomRisk("teen-13", new Dictionary<string, float> { [HarmNames.LivestreamCoercion] = 0.9f, [HarmNames.Grooming] = 0f }, ["v1", "v2", "v3"]);
        var context = WithHarms(Message(RoomKind.Livestream, UnknownAge("v3"), [Teen13()]), new() { [HarmNames.LivestreamCoercion] = 0.3f }, room);

        var decisions = await Engine(preset).EvaluateMessageAsync(context);

        Assert.Contains("livestream-coercion-room-escalate:escalate", Rules(decisions));
        Assert.DoesNotContain("livestream-coercion-escalate:escalate", Rules(decisions));
    }

    [Fact]
    public async Task StrictMinors_NoRoomRisk_RoomRuleStaysQuiet()
    {
        var context = WithHarms(Message(RoomKind.Public, UnknownAge("v1"), [Teen13()]), new() { [HarmNames.LivestreamCoercion] = 0.3f });

        var decisions = await Engine(PolicyPresets.StrictMinors).EvaluateMessageAsync(context);

        Assert.DoesNotContain(decisions, d => d.RuleId.StartsWith("livestream", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_RiskOfRoom_RoundTripsThroughTheWriter()
    {
        const string json = """
            { "id": "p", "thresholds": { "livestream_coercion": { "child": 0.5, "teen": 0.5, "adult": 0.9, "unknown": 0.6 } },
              "rules": [ { "id": "r", "when": { "room": ["livestream"], "risk": { "harm": "livestream_coercion", "of": "room", "min": "threshold" } }, "actions": [ "freeze" ] } ] }
            """;

        var policy = PolicyLoader.Parse(json, "p.json");

        Assert.Equal(RiskSource.Room, policy.Rules[0].Conditions.Risk!.Source);
        Assert.Contains("\"of\": \"room\"", PolicyWriter.ToJson(policy).Replace("\":\"", "\": \"", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
