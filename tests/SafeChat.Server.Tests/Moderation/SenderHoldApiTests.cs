using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SafeChat.Policies;
using SafeChat.Server.Moderation;
using SafeChat.Server.Tests.Support;

namespace SafeChat.Server.Tests.Moderation;

/// <summary>Reviewer actions on the standing sender hold (hold-sender) and on freezes, through the moderation API.</summary>
public sealed class SenderHoldApiTests
{
    private const string Prefix = "/safechat/moderation/escalations";

    private static StringContent Review(string outcome) => new($"{{\"outcome\":\"{outcome}\"}}", Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("confirmed")]
    [InlineData("false_positive")]
    public async Task Review_EitherOutcome_LiftsTheSubjectsHold(string outcome)
    {
        await using var host = await ChatTestHost.StartAsync();
        var id = await ModerationApiTests.RecordAsync(host, "room-1");
        var holds = host.Services.GetRequiredService<ISenderHoldStore>();
        await holds.PlaceHoldAsync("room-1", "adult-1", new SenderHold("grooming-escalate", DateTimeOffset.UnixEpoch));
        using var client = host.CreateModeratorClient();
        var before = await client.GetFromJsonAsync<JsonElement>($"{Prefix}/{id}");

        var response = await client.PostAsync($"{Prefix}/{id}/review", Review(outcome));

        Assert.True(before.GetProperty("sender_held").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sender_held").GetBoolean());
        Assert.Null(await holds.GetHoldAsync("room-1", "adult-1"));
    }

    [Fact]
    public async Task LiftHoldAndFreeze_Moderator_ChangeTheStateShownOnTheEscalation()
    {
        await using var host = await ChatTestHost.StartAsync();
        var id = await ModerationApiTests.RecordAsync(host, "room-2");
        await host.Services.GetRequiredService<ISenderHoldStore>().PlaceHoldAsync("room-2", "adult-1", new SenderHold("grooming-escalate", DateTimeOffset.UnixEpoch));
        using var client = host.CreateModeratorClient();

        var lifted = await (await client.PostAsync($"{Prefix}/{id}/lift-hold", null)).Content.ReadFromJsonAsync<JsonElement>();
        var frozen = await (await client.PostAsync($"{Prefix}/{id}/freeze", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.False(lifted.GetProperty("sender_held").GetBoolean());
        Assert.True(frozen.GetProperty("frozen").GetBoolean());
        Assert.Equal("grooming-escalate", await host.Services.GetRequiredService<IConversationFreezeStore>().GetFreezeAsync("room-2"));
        Assert.Equal("open", frozen.GetProperty("status").GetString());
    }

    [Fact]
    public async Task LiftHoldAndFreeze_UnknownIdOrNotModerator_Refused()
    {
        await using var host = await ChatTestHost.StartAsync();
        using var moderator = host.CreateModeratorClient();
        using var user = host.CreateModeratorClient(ApiKeyAuthentication.UserKey);

        Assert.Equal(HttpStatusCode.NotFound, (await moderator.PostAsync($"{Prefix}/esc_missing/lift-hold", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await moderator.PostAsync($"{Prefix}/esc_missing/freeze", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.PostAsync($"{Prefix}/esc_missing/freeze", null)).StatusCode);
    }

    [Fact]
    public async Task SenderHoldStore_DefaultServer_IsThePolicyEnginesHolds()
    {
        await using var host = await ChatTestHost.StartAsync();

        Assert.Same(((PolicyEngine)host.Services.GetRequiredService<IMessagePolicy>()).Holds, host.Services.GetRequiredService<ISenderHoldStore>());
    }
}
