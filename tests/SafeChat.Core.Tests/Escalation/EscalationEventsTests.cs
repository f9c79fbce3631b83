using SafeChat.Conversations;
using SafeChat.Escalation;
using SafeChat.Policies;
using SafeChat.Scoring;
using SafeChat.Core.Tests.Support;

namespace SafeChat.Core.Tests.Escalation;

public class EscalationEventsTests
{
    [Fact]
    public void CreateIdempotencyKey_SameInputs_SameKeyAndNoIdsInside()
    {
        var a = EscalationEvents.CreateIdempotencyKey("rule-1", "room-7", "user-adult-1");
        var b = EscalationEvents.CreateIdempotencyKey("rule-1", "room-7", "user-adult-1");

        Assert.Equal(a, b);
        Assert.Matches("^esc_[0-9a-f]{32}$", a);
        Assert.DoesNotContain("room-7", a, StringComparison.Ordinal);
        Assert.NotEqual(a, EscalationEvents.CreateIdempotencyKey("rule-1", "room-7", "user-adult-2"));
        // Length prefixes keep ("ab","c") and ("a","bc") apart.
        Assert.NotEqual(EscalationEvents.CreateIdempotencyKey("r", "ab", "c"), EscalationEvents.CreateIdempotencyKey("r", "a", "bc"));
    }

    [Fact]
    public void FromDecision_EscalateDecision_CarriesRuleSeverityHarmsAndSubjectSignals()
    {
        var sender = Fixtures.Adult;
        var context = new MessageContext
        {
            Message = new ChatMessage("m5", "room-7", sender.Id, "text never copied", Fixtures.Start),
            Room = new Room("room-7", RoomKind.Direct),
            Sender = sender,
            Recipients = [Fixtures.Teen],
            MessageIndex = 4,
            MessageSignals = [SignalNames.Secrecy, SignalNames.OffPlatform],
            ModelVersion = "model-v1",
            Assessment = new RiskAssessment(
                new Dictionary<string, float> { [HarmNames.Sextortion] = 0.1f, [HarmNames.Grooming] = 0.8f },
                [],
                [
                    new SignalEvidence(SignalNames.AgeProbe, HarmNames.Grooming, sender.Id, 2, 0.9f),
                    new SignalEvidence(SignalNames.Secrecy, HarmNames.Grooming, sender.Id, 4, 0.8f),
                    new SignalEvidence(SignalNames.Deadline, HarmNames.Sextortion, Fixtures.Teen.Id, 3, 0.7f),
                ]),
        };
        var decision = new Decision("grooming-escalate", PolicyAction.Escalate) { Severity = Severity.Critical, Shadow = true };

        var escalation = EscalationEvents.FromDecision(decision, context, "policy-v2", Fixtures.Start.AddSeconds(1));

        Assert.Equal(EscalationEvents.CreateIdempotencyKey("grooming-escalate", "room-7", sender.Id), escalation.IdempotencyKey);
        Assert.Equal("grooming-escalate", escalation.RuleId);
        Assert.Equal(Severity.Critical, escalation.Severity);
        Assert.Equal("room-7", escalation.ConversationId);
        Assert.Equal(sender.Id, escalation.SubjectUserId);
        Assert.Equal(Fixtures.Start.AddSeconds(1), escalation.RaisedAt);
        Assert.Equal([HarmNames.Grooming, HarmNames.Sextortion], escalation.Harms.Keys);
        Assert.Equal(0.8f, escalation.Harms[HarmNames.Grooming]);
        Assert.Equal([SignalNames.Secrecy, SignalNames.OffPlatform, SignalNames.AgeProbe], escalation.Signals);
        Assert.Equal(4, escalation.MessageIndex);
        Assert.Equal("model-v1", escalation.ModelVersion);
        Assert.Equal("policy-v2", escalation.PolicyVersion);
        Assert.True(escalation.Shadow);
    }

    [Fact]
    public void FromDecision_NotEscalate_ThrowsNamingTheRule()
    {
        var context = new MessageContext
        {
            Message = new ChatMessage("m1", "room-7", "u1", "hi", Fixtures.Start),
            Room = new Room("room-7", RoomKind.Public),
            Sender = new Participant("u1"),
            Recipients = [],
        };

        var ex = Assert.Throws<ArgumentException>(() =>
            EscalationEvents.FromDecision(new Decision("warn-rule", PolicyAction.WarnSender), context, null, Fixtures.Start));
        Assert.Contains("warn-rule", ex.Message, StringComparison.Ordinal);
    }
}
