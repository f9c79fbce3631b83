using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SafeChat.Conversations;
using SafeChat.Evidence;
using SafeChat.Policies;
using SafeChat.Scoring;
using SafeChat.Core.Tests.Support;

namespace SafeChat.Core.Tests.Evidence;

public class EvidenceBuilderTests
{
    private readonly FakeTimeProvider _time = new(Fixtures.Start.AddHours(1));

    private EvidenceBuilder Builder()
    {
        var options = new EvidenceOptions { ServiceName = "BlockWorld" };
        options.InternetDetailTypes.Add(InternetDetailType.OnlineGaming);
        return new EvidenceBuilder(options, _time);
    }

    [Fact]
    public void Build_GroomingEscalation_FillsEveryFieldForACyberTip()
    {
        var escalation = Fixtures.Escalation();

        var bundle = Builder().Build(escalation, Fixtures.Thread(), Fixtures.Adult, Fixtures.Teen);

        Assert.Equal("safechat.evidence/1", bundle.SchemaVersion);
        Assert.Equal(escalation.IdempotencyKey, bundle.IdempotencyKey);
        Assert.Equal("Online Enticement of Children for Sexual Acts", bundle.IncidentType);
        Assert.Equal(HarmNames.Grooming, bundle.PrimaryHarm);
        Assert.True(bundle.EscalateToHighPriority);
        Assert.Equal(Fixtures.Start.AddMinutes(4), bundle.IncidentDateTime); // the reported user's last message before the escalation
        Assert.Equal(escalation.RaisedAt, bundle.EscalatedAt);
        Assert.Equal(_time.GetUtcNow(), bundle.CreatedAt);

        Assert.Equal([InternetDetailType.ChatIm, InternetDetailType.OnlineGaming], bundle.InternetDetails.Select(d => d.Type));
        Assert.All(bundle.InternetDetails, d =>
        {
            Assert.Equal("BlockWorld", d.ServiceName);
            Assert.Equal("room-7", d.ConversationId);
        });

        Assert.Equal("user-adult-1", bundle.ReportedUser.PlatformUserId);
        Assert.Equal("xXcoolguyXx", bundle.ReportedUser.ScreenName);
        Assert.Equal(AgeBand.Adult, bundle.ReportedUser.AgeBand);
        Assert.Equal(AgeAssurance.SelfDeclared, bundle.ReportedUser.AgeAssurance);
        Assert.Equal(new VictimInfo { AgeBand = AgeBand.Teen, AgeAssurance = AgeAssurance.Verified }, bundle.Victim);

        Assert.Equal("room-7", bundle.Thread.ConversationId);
        Assert.Equal(6, bundle.Thread.Messages.Count);
        var m3 = bundle.Thread.Messages[2];
        Assert.Equal("m3", m3.MessageId);
        Assert.Equal(AuthorRole.ReportedUser, m3.AuthorRole);
        Assert.Equal("user-adult-1", m3.AuthorId);
        Assert.Equal(Fixtures.Start.AddMinutes(2), m3.Timestamp);
        Assert.Equal("how old r u btw", m3.Text);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("how old r u btw"u8)), m3.TextSha256);
        Assert.Equal(AuthorRole.Victim, bundle.Thread.Messages[3].AuthorRole);
        Assert.True(bundle.Thread.Messages[5].HasImage);
        Assert.All(bundle.Thread.Messages, m => Assert.Matches("^[0-9a-f]{64}$", m.TextSha256));

        Assert.Equal("grooming-escalate", bundle.Detection.RuleId);
        Assert.Equal(Severity.High, bundle.Detection.Severity);
        Assert.False(bundle.Detection.Shadow);
        Assert.Equal(4, bundle.Detection.MessageIndex);
        Assert.Equal(0.91f, bundle.Detection.Harms[HarmNames.Grooming]);
        Assert.Equal(escalation.Signals, bundle.Detection.Signals);
        Assert.Equal("safechat-signals-v1+abc123", bundle.Detection.ModelVersion);
        Assert.Equal("default-minors+9f8e7d", bundle.Detection.PolicyVersion);
    }

    [Fact]
    public void Build_Victim_KeepsNoNameIdOrExactAge()
    {
        var bundle = Builder().Build(Fixtures.Escalation(), Fixtures.Thread(), Fixtures.Adult, Fixtures.Teen);

        using var doc = JsonDocument.Parse(EvidenceJson.Serialize(bundle));
        var victim = doc.RootElement.GetProperty("victim");
        Assert.Equal(["ageBand", "ageAssurance"], victim.EnumerateObject().Select(p => p.Name));
        Assert.Equal("teen", victim.GetProperty("ageBand").GetString());
        Assert.DoesNotContain("Sam Example", doc.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SextortionMediumSeverity_MapsToEnticementWithoutHighPriority()
    {
        var escalation = Fixtures.Escalation(rule: "sextortion-escalate", severity: Severity.Medium) with
        {
            Harms = new Dictionary<string, float> { [HarmNames.Grooming] = 0.2f, [HarmNames.Sextortion] = 0.88f },
            Signals = [SignalNames.ImageClaim, SignalNames.PaymentDemand, SignalNames.Deadline],
        };

        var bundle = Builder().Build(escalation, Fixtures.Thread(), Fixtures.Adult, Fixtures.Teen);

        Assert.Equal(HarmNames.Sextortion, bundle.PrimaryHarm);
        Assert.Equal(CyberTipIncidentTypes.OnlineEnticement, bundle.IncidentType);
        Assert.False(bundle.EscalateToHighPriority);
    }

    [Fact]
    public void Serialize_Bundle_RoundTripsEveryField()
    {
        var bundle = Builder().Build(Fixtures.Escalation(), Fixtures.Thread(), Fixtures.Adult, Fixtures.Teen);

        var json = EvidenceJson.Serialize(bundle);
        var back = EvidenceJson.Deserialize(json);

        Assert.Equal(json, EvidenceJson.Serialize(back));
        Assert.Contains("\"incidentType\":\"Online Enticement of Children for Sexual Acts\"", json, StringComparison.Ordinal);
        Assert.Contains("\"escalateToHighPriority\":true", json, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"chatIm\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_MessageFromAnotherRoom_NamesTheIndex()
    {
        var thread = Fixtures.Thread().ToList();
        thread[3] = thread[3] with { RoomId = "room-other" };

        var ex = Assert.Throws<ArgumentException>(() => Builder().Build(Fixtures.Escalation(), thread, Fixtures.Adult, Fixtures.Teen));

        Assert.Contains("thread[3].RoomId", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("room-other", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DuplicateMessageId_NamesBothIndexes()
    {
        var thread = Fixtures.Thread().ToList();
        thread[4] = thread[4] with { Id = "m2" };

        var ex = Assert.Throws<ArgumentException>(() => Builder().Build(Fixtures.Escalation(), thread, Fixtures.Adult, Fixtures.Teen));

        Assert.Contains("thread[4].Id duplicates thread[1].Id", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ReportedIsNotTheSubject_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Builder().Build(Fixtures.Escalation(), Fixtures.Thread(), Fixtures.Teen, Fixtures.Adult));
        Assert.Equal("reported", ex.ParamName);
    }

    [Fact]
    public void Build_EmptyThread_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Builder().Build(Fixtures.Escalation(), [], Fixtures.Adult, Fixtures.Teen));
        Assert.Equal("thread", ex.ParamName);
    }

    [Fact]
    public void Deserialize_BadJson_NamesThePath()
    {
        var ex = Assert.Throws<FormatException>(() => EvidenceJson.Deserialize("{\"victim\":{\"ageBand\":\"toddler\"}}"));
        Assert.Contains("$.victim.ageBand", ex.Message, StringComparison.Ordinal);
    }
}
