using System.Text.Json;
using SafeChat.Policies;
using SafeChat.Webhooks.Tests.Infrastructure;

namespace SafeChat.Webhooks.Tests.Webhooks;

public class WebhookPayloadTests
{
    [Fact]
    public void ToJson_Escalation_HasEveryFieldAndNoText()
    {
        var escalation = Fixtures.Escalation();

        var json = WebhookPayload.FromEscalation(escalation).ToJson();
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;

        Assert.Equal("safechat.escalation", root.GetProperty("type").GetString());
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(escalation.IdempotencyKey, root.GetProperty("idempotencyKey").GetString());
        Assert.Equal("grooming-escalate", root.GetProperty("ruleId").GetString());
        Assert.Equal("high", root.GetProperty("severity").GetString());
        Assert.Equal("room-7", root.GetProperty("conversationId").GetString());
        Assert.Equal("user-adult-1", root.GetProperty("subjectUserId").GetString());
        Assert.Equal(escalation.RaisedAt, root.GetProperty("raisedAt").GetDateTimeOffset());
        Assert.Equal(4, root.GetProperty("messageIndex").GetInt32());
        Assert.Equal(0.91f, root.GetProperty("harms").GetProperty("grooming").GetSingle());
        Assert.Equal(["age_probe", "secrecy", "off_platform"], root.GetProperty("signals").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("safechat-signals-v1+abc123", root.GetProperty("modelVersion").GetString());
        Assert.Equal("default-minors+9f8e7d", root.GetProperty("policyVersion").GetString());
        Assert.False(root.GetProperty("shadow").GetBoolean());
        Assert.DoesNotContain("text", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Parse_RoundTrip_GivesTheSameEscalation()
    {
        var escalation = Fixtures.Escalation(severity: Severity.Critical);

        var back = WebhookPayload.Parse(WebhookPayload.FromEscalation(escalation).ToJson()).ToEscalation();

        Assert.Equal(escalation.IdempotencyKey, back.IdempotencyKey);
        Assert.Equal(Severity.Critical, back.Severity);
        Assert.Equal(escalation.Signals, back.Signals);
        Assert.Equal(escalation.Harms.OrderBy(p => p.Key), back.Harms.OrderBy(p => p.Key));
    }

    [Theory]
    [InlineData("{\"type\":\"other\",\"idempotencyKey\":\"k\"}", "$.type")]
    [InlineData("{\"type\":\"safechat.escalation\"}", "$.idempotencyKey")]
    [InlineData("{\"type\":\"safechat.escalation\",\"idempotencyKey\":\"k\",\"severity\":\"extreme\"}", "$.severity")]
    public void Parse_BadBody_ThrowsNamingThePath(string json, string path)
    {
        var ex = Assert.Throws<FormatException>(() => WebhookPayload.Parse(json));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }
}
