using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SafeChat.Escalation;
using SafeChat.Policies;
using SafeChat.Server.Moderation;
using SafeChat.Server.Tests.Support;

namespace SafeChat.Server.Tests.Moderation;

public sealed class ModerationApiTests
{
    private const string Prefix = "/safechat/moderation/escalations";

    [Fact]
    public async Task List_WithoutAuthentication_Returns401()
    {
        await using var host = await ChatTestHost.StartAsync();
        using var client = host.Server.CreateClient();

        var response = await client.GetAsync(Prefix);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task List_WithoutModeratorRole_Returns403()
    {
        await using var host = await ChatTestHost.StartAsync();
        using var client = host.CreateModeratorClient(ApiKeyAuthentication.UserKey);

        var response = await client.GetAsync(Prefix);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ListAndGet_RecordedEscalation_ReturnsItWithoutText()
    {
        await using var host = await ChatTestHost.StartAsync();
        var id = await RecordAsync(host, "room-1");
        using var client = host.CreateModeratorClient();

        var list = await client.GetFromJsonAsync<JsonElement>(Prefix + "?status=open");
        var one = await client.GetFromJsonAsync<JsonElement>($"{Prefix}/{id}");

        var item = Assert.Single(list.GetProperty("escalations").EnumerateArray());
        Assert.Equal(id, item.GetProperty("id").GetString());
        Assert.Equal("grooming-escalate", one.GetProperty("rule_id").GetString());
        Assert.Equal("high", one.GetProperty("severity").GetString());
        Assert.Equal("open", one.GetProperty("status").GetString());
        Assert.Equal(0.8f, one.GetProperty("harms").GetProperty("grooming").GetSingle());
    }

    [Fact]
    public async Task Get_UnknownId_Returns404()
    {
        await using var host = await ChatTestHost.StartAsync();
        using var client = host.CreateModeratorClient();

        var response = await client.GetAsync(Prefix + "/esc_missing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task List_BadStatusAndLimit_Return400NamingTheParameter()
    {
        await using var host = await ChatTestHost.StartAsync();
        using var client = host.CreateModeratorClient();

        var status = await client.GetAsync(Prefix + "?status=closed");
        var limit = await client.GetAsync(Prefix + "?limit=0");

        Assert.Equal(HttpStatusCode.BadRequest, status.StatusCode);
        Assert.Contains("'status'", await status.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, limit.StatusCode);
        Assert.Contains("'limit'", await limit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_Confirmed_ThenAppeal_ThenFalsePositive_FollowsTheStatusFlow()
    {
        await using var host = await ChatTestHost.StartAsync();
        var id = await RecordAsync(host, "room-1");
        using var moderator = host.CreateModeratorClient();
        using var user = host.CreateModeratorClient(ApiKeyAuthentication.UserKey);

        var confirmed = await moderator.PostAsJsonAsync($"{Prefix}/{id}/review", new { outcome = "confirmed", note = "clear grooming pattern" });
        var again = await moderator.PostAsJsonAsync($"{Prefix}/{id}/review", new { outcome = "confirmed" });
        var appealed = await user.PostAsJsonAsync($"{Prefix}/{id}/appeal", new { reason = "we are cousins" });
        var secondAppeal = await user.PostAsJsonAsync($"{Prefix}/{id}/appeal", new { reason = "again" });
        var overturned = await moderator.PostAsJsonAsync($"{Prefix}/{id}/review", new { outcome = "false_positive", note = "family, verified" });

        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var confirmedBody = await confirmed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("confirmed", confirmedBody.GetProperty("status").GetString());
        Assert.Equal("mod-ana", confirmedBody.GetProperty("review").GetProperty("reviewer").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, appealed.StatusCode);
        var appealedBody = await appealed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("appealed", appealedBody.GetProperty("status").GetString());
        Assert.Equal("user-bo", appealedBody.GetProperty("appeal").GetProperty("appealed_by").GetString());
        Assert.Equal(HttpStatusCode.Conflict, secondAppeal.StatusCode);
        var final = await overturned.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("false_positive", final.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Review_ByUserWithoutRole_Returns403()
    {
        await using var host = await ChatTestHost.StartAsync();
        var id = await RecordAsync(host, "room-1");
        using var user = host.CreateModeratorClient(ApiKeyAuthentication.UserKey);

        var response = await user.PostAsJsonAsync($"{Prefix}/{id}/review", new { outcome = "false_positive" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Review_InvalidBodies_Return400NamingTheField()
    {
        await using var host = await ChatTestHost.StartAsync();
        var id = await RecordAsync(host, "room-1");
        using var moderator = host.CreateModeratorClient();

        var badOutcome = await moderator.PostAsJsonAsync($"{Prefix}/{id}/review", new { outcome = "maybe" });
        var missing = await moderator.PostAsJsonAsync($"{Prefix}/{id}/review", new { note = "x" });
        var broken = await moderator.PostAsync($"{Prefix}/{id}/review", new StringContent("{\"outcome\": ", Encoding.UTF8, "application/json"));
        var notJson = await moderator.PostAsync($"{Prefix}/{id}/review", new StringContent("outcome=confirmed", Encoding.UTF8, "text/plain"));
        var emptyReason = await moderator.PostAsJsonAsync($"{Prefix}/{id}/appeal", new { reason = " " });

        Assert.Equal(HttpStatusCode.BadRequest, badOutcome.StatusCode);
        Assert.Contains("'outcome'", await badOutcome.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("missing", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Contains("not valid JSON", await broken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, emptyReason.StatusCode);
        Assert.Contains("'reason'", await emptyReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var record = await host.Services.GetRequiredService<IEscalationQueue>().GetAsync(id);
        Assert.Equal(EscalationStatus.Open, record!.Status);
    }

    [Fact]
    public async Task Review_FalsePositive_LiftsTheConversationFreeze()
    {
        await using var host = await ChatTestHost.StartAsync();
        var id = await RecordAsync(host, "room-9");
        var freezes = host.Services.GetRequiredService<IConversationFreezeStore>();
        await freezes.FreezeAsync("room-9", "some-rule");
        using var moderator = host.CreateModeratorClient();

        var response = await moderator.PostAsJsonAsync($"{Prefix}/{id}/review", new { outcome = "false_positive" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(await freezes.GetFreezeAsync("room-9"));
    }

    [Fact]
    public async Task ExportReviews_ConfirmedAndFalsePositive_AreLabelledLinesWithoutTextOrReviewer()
    {
        await using var host = await ChatTestHost.StartAsync();
        var confirmedId = await RecordAsync(host, "room-c");
        var rejectedId = await RecordAsync(host, "room-f", subject: "adult-2");
        await RecordAsync(host, "room-open", subject: "adult-3");
        using var moderator = host.CreateModeratorClient();
        (await moderator.PostAsJsonAsync($"{Prefix}/{confirmedId}/review", new { outcome = "confirmed", note = "clear" })).EnsureSuccessStatusCode();
        (await moderator.PostAsJsonAsync($"{Prefix}/{rejectedId}/review", new { outcome = "false_positive" })).EnsureSuccessStatusCode();

        var response = await moderator.GetAsync("/safechat/moderation/reviews");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        var confirmed = lines.Single(l => l.GetProperty("conversation_id").GetString() == "room-c");
        Assert.Equal("grooming", confirmed.GetProperty("harm").GetString());
        Assert.Equal("confirmed", confirmed.GetProperty("decision").GetString());
        Assert.Equal("adult-1", confirmed.GetProperty("subject_user_id").GetString());
        Assert.True(confirmed.TryGetProperty("reviewed_at", out _));
        var rejected = lines.Single(l => l.GetProperty("conversation_id").GetString() == "room-f");
        Assert.Equal("false_positive", rejected.GetProperty("decision").GetString());
        Assert.DoesNotContain("mod-ana", body, StringComparison.Ordinal);
        Assert.DoesNotContain("clear", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportReviews_WithoutModeratorRole_Returns403()
    {
        await using var host = await ChatTestHost.StartAsync();
        using var client = host.CreateModeratorClient(ApiKeyAuthentication.UserKey);

        var response = await client.GetAsync("/safechat/moderation/reviews");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    internal static async Task<string> RecordAsync(ChatTestHost host, string conversationId, string subject = "adult-1")
    {
        var escalation = new EscalationEvent(
            EscalationEvents.CreateIdempotencyKey("grooming-escalate", conversationId, subject),
            "grooming-escalate",
            Severity.High,
            conversationId,
            subject,
            new DateTimeOffset(2025, 5, 1, 12, 0, 0, TimeSpan.Zero))
        {
            Harms = new Dictionary<string, float> { ["grooming"] = 0.8f, ["sextortion"] = 0f },
            Signals = ["secrecy", "image_request"],
            MessageIndex = 4,
        };
        Assert.True(await host.Services.GetRequiredService<IEscalationQueue>().TryAddAsync(escalation));
        return escalation.IdempotencyKey;
    }
}
