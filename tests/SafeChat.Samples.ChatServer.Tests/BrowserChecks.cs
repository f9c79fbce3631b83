using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SafeChat.Samples.ChatServer.Tests;

/// <summary>The browser checks of the sample, in Debian's Chromium against the real default scorer.</summary>
public sealed class BrowserChecks(ChatAppFixture app) : IClassFixture<ChatAppFixture>
{
    [ChromiumFact]
    public async Task JoinRoom_ThirteenYearOldIntoPrivateRoomWithAdult_IsDeniedOnThePage()
    {
        await using var context = await app.Browser.NewContextAsync();
        var adult = await ChatPage.OpenAsync(context, app.BaseUrl, "mark", 34);
        await adult.JoinAndWaitAsync("den", "private");
        var teen = await ChatPage.OpenAsync(context, app.BaseUrl, "lily", 13);

        await teen.JoinAsync("den", "private");

        var notice = teen.Page.Locator("#notices li[data-kind='join-denied']");
        await Assertions.Expect(notice).ToContainTextAsync("private-room-minor-join");
        Assert.Equal("no room", await teen.Page.TextContentAsync("#current-room"));
        await teen.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChatAppFixture.ScreenshotDirectory, "join-denied.png") });
    }

    [ChromiumFact]
    public async Task JoinRoom_AdultSigningInAsFourteenIntoTwelveYearOldsPrivateRoom_IsDeniedOnThePage()
    {
        await using var context = await app.Browser.NewContextAsync();
        var child = await ChatPage.OpenAsync(context, app.BaseUrl, "maya", 12);
        await child.JoinAndWaitAsync("treehouse", "private");
        var claims14 = await ChatPage.OpenAsync(context, app.BaseUrl, "skater_jay", 14);

        await claims14.JoinAsync("treehouse", "private");

        // The typed-in "14" is self-declared: it could be an adult's claim, so the adult rule still keeps them out.
        var notice = claims14.Page.Locator("#notices li[data-kind='join-denied']");
        await Assertions.Expect(notice).ToContainTextAsync("private-room-adult-join");
        Assert.Equal("no room", await claims14.Page.TextContentAsync("#current-room"));
    }

    [ChromiumFact]
    public async Task Chat_GroomingConversationTypedIntoThePage_AppearsOnTheModeratorPage()
    {
        await using var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var teen = await ChatPage.OpenAsync(context, app.BaseUrl, "emma", 13);
        await teen.JoinAndWaitAsync("arcade", "public");
        var adult = await ChatPage.OpenAsync(context, app.BaseUrl, "xXsniperXx", 29);
        await adult.JoinAndWaitAsync("arcade", "public");
        var moderator = await context.NewPageAsync();
        await moderator.GotoAsync(app.BaseUrl + "/moderator.html");
        await moderator.FillAsync("#api-key", ChatAppFixture.ModeratorKey);
        await moderator.ClickAsync("#load");
        await moderator.WaitForSelectorAsync("#mod-status[data-count]");

        await adult.SayAsync("how old r u btw");
        await teen.SayAsync("13");
        await adult.SayAsync("ur so mature for 13 fr");
        await adult.SayAsync("i can send u robux if u want");
        await adult.SayAsync("r ur parents home rn");
        await adult.SayAsync("dont tell anyone we talk ok its our secret");
        await moderator.ClickAsync("#load");

        var row = moderator.Locator("#escalations tr[data-rule='grooming-escalate'][data-room='arcade']");
        await Assertions.Expect(row).ToHaveCountAsync(1, new LocatorAssertionsToHaveCountOptions { Timeout = 8000 });
        await Assertions.Expect(row).ToContainTextAsync("xXsniperXx");
        await Assertions.Expect(teen.Page.Locator("#notices li[data-kind='nudge']").First).ToContainTextAsync("keep a secret");
        await moderator.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChatAppFixture.ScreenshotDirectory, "moderator.png"), FullPage = true });
        await teen.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChatAppFixture.ScreenshotDirectory, "chat.png"), FullPage = true });
    }

    [ChromiumFact]
    public async Task Chat_NormalConversation_RaisesNothing()
    {
        await using var context = await app.Browser.NewContextAsync();
        var teen = await ChatPage.OpenAsync(context, app.BaseUrl, "noah", 14);
        await teen.JoinAndWaitAsync("builders", "public");
        var adult = await ChatPage.OpenAsync(context, app.BaseUrl, "coach_dan", 41);
        await adult.JoinAndWaitAsync("builders", "public");

        await adult.SayAsync("gg everyone");
        await teen.SayAsync("gg that was close");
        await adult.SayAsync("anyone want to queue again");
        await teen.SayAsync("yeah sure, i need to finish my homework after");
        await adult.SayAsync("nice, good luck with it");
        await teen.SayAsync("lol thanks, the castle build looks sick");

        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Add("X-Api-Key", ChatAppFixture.ModeratorKey);
        var list = await http.GetFromJsonAsync<JsonElement>("/safechat/moderation/escalations");
        Assert.DoesNotContain(list.GetProperty("escalations").EnumerateArray(), e => e.GetProperty("conversation_id").GetString() == "builders");
        Assert.Equal(0, await teen.Page.Locator("#notices li[data-kind='nudge']").CountAsync());
        Assert.Equal(0, await adult.Page.Locator("#notices li.blocked, #notices li.held, #notices li.frozen").CountAsync());
        Assert.Equal(6, await teen.Page.Locator("#messages li").CountAsync());
    }
}
