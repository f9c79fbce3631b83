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

    // A grooming conversation typed into the chat page by an adult (29, self-declared) towards a 13-year-old in a public
    // room. Every line is typed; from the escalation on, the adult's lines are held (and still stored for moderators).
    private async Task<(ChatPage Teen, ChatPage Offender)> GroomAsync(IBrowserContext context, string room, string teenName, string offenderName)
    {
        var teen = await ChatPage.OpenAsync(context, app.BaseUrl, teenName, 13);
        await teen.JoinAndWaitAsync(room, "public");
        var adult = await ChatPage.OpenAsync(context, app.BaseUrl, offenderName, 29);
        await adult.JoinAndWaitAsync(room, "public");
        await adult.SayAsync("how old r u btw");
        await teen.SayAsync("13");
        string[] lines = ["ur so mature for 13 fr", "i can send u robux if u want", "r ur parents home rn", "dont tell anyone we talk ok its our secret", "add me on snap its easier there"];
        var refused = 0;
        foreach (var line in lines)
        {
            if (!await adult.TryToSayAsync(line))
            {
                refused++;
            }
            else
            {
                Assert.Equal(0, refused); // once held, never delivered again until a reviewer decides
            }
        }

        Assert.True(refused > 0, "the grooming conversation never reached the model's alert level");
        await Assertions.Expect(adult.Page.Locator("#notices li[data-kind='held']").First).ToContainTextAsync("held-sender-to-minor");
        return (teen, adult);
    }

    [ChromiumFact]
    public async Task Chat_GroomingEscalationInPublicRoom_HoldsTheOffendersNextMessageToTheThirteenYearOld()
    {
        await using var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var console = await ConsolePage.OpenAsync(context, app.BaseUrl);

        var (teen, offender) = await GroomAsync(context, "arcade", "emma", "xXsniperXx");
        var delivered = await offender.TryToSayAsync("send me a pic of you");

        Assert.False(delivered);
        await Assertions.Expect(teen.Page.Locator("#messages")).Not.ToContainTextAsync("send me a pic");
        await Assertions.Expect(teen.Page.Locator("#messages")).Not.ToContainTextAsync("its our secret");
        await Assertions.Expect(teen.Page.Locator("#notices li[data-kind='nudge']", new PageLocatorOptions { HasText = "waiting for a safety check" })).ToHaveCountAsync(1);
        await Assertions.Expect(teen.Page.Locator("#notices li[data-kind='nudge']", new PageLocatorOptions { HasText = "keep a secret" })).ToHaveCountAsync(0);
        // The console was signed in before the conversation and never reloaded: the case arrived by SignalR push.
        var pushed = console.Case("grooming-escalate", "arcade");
        await Assertions.Expect(pushed).ToHaveCountAsync(1, new LocatorAssertionsToHaveCountOptions { Timeout = 8000 });
        await Assertions.Expect(pushed).ToHaveAttributeAsync("data-severity", "high");
        await Assertions.Expect(pushed).ToContainTextAsync("xXsniperXx");
        await Screenshots.TakeAsync(teen.Page, "chat.png");
        await Screenshots.TakeAsync(offender.Page, "chat-offender-held.png");
        await Screenshots.TakeAsync(console.Page, "moderator.png");
    }

    [ChromiumFact]
    public async Task Console_CaseView_ShowsTimelineAfterTheEscalationExcerptsAndRecordsTheView()
    {
        await using var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var console = await ConsolePage.OpenAsync(context, app.BaseUrl);
        var (teen, offender) = await GroomAsync(context, "skatepark", "nora", "dj_frosty");
        await Assertions.Expect(console.Case("grooming-escalate", "skatepark")).ToHaveCountAsync(1, new LocatorAssertionsToHaveCountOptions { Timeout = 8000 });

        await console.OpenCaseAsync("grooming-escalate", "skatepark");
        var timeline = console.Page.Locator("#timeline li");
        var before = await timeline.CountAsync();
        Assert.False(await offender.TryToSayAsync("you there?"));

        // The open case follows the conversation after the escalation (pushed "activity"): one more held row.
        await Assertions.Expect(timeline).ToHaveCountAsync(before + 1, new LocatorAssertionsToHaveCountOptions { Timeout = 8000 });
        Assert.True(await console.Page.Locator("#timeline li[data-after='true'][data-outcome='held']").CountAsync() >= 2);
        await Assertions.Expect(console.Page.Locator("#timeline li.escalated")).ToHaveAttributeAsync("data-outcome", "held");
        await Assertions.Expect(console.Page.Locator("#timeline li.escalated")).ToHaveCountAsync(1);
        await Assertions.Expect(console.Page.Locator("#excerpts")).ToContainTextAsync("its our secret");
        await Assertions.Expect(console.Page.Locator("#fact-victim")).ToContainTextAsync("teen");
        await Assertions.Expect(console.Page.Locator("#fact-policy")).ToContainTextAsync("strict-minors@");
        await Assertions.Expect(console.Page.Locator("#fact-model")).ToContainTextAsync("safechat-");
        await Assertions.Expect(console.Page.Locator("#case-flags [data-flag='held']")).ToHaveAttributeAsync("data-on", "true");
        Assert.True(await console.Page.Locator("#risk-chart polyline").CountAsync() == 2);
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Add("X-Api-Key", ChatAppFixture.ModeratorKey);
        var access = await http.GetFromJsonAsync<JsonElement>("/console/access-log");
        Assert.Contains(access.GetProperty("entries").EnumerateArray(), e => e.GetProperty("conversationId").GetString() == "skatepark" && e.GetProperty("viewer").GetString() == "moderator");
        using var anonymous = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var id = await console.Page.GetAttributeAsync("#case", "data-id");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/console/cases/" + id)).StatusCode);
        await Screenshots.TakeAsync(console.Page, "case-view.png");

        // Visible effects: lifting the hold delivers the next message; confirming closes the case.
        await console.ActAsync("lift-hold");
        await Assertions.Expect(console.Page.Locator("#case-flags [data-flag='held']")).ToHaveAttributeAsync("data-on", "false");
        Assert.True(await offender.TryToSayAsync("hello again"));
        await Assertions.Expect(teen.Page.Locator("#messages")).ToContainTextAsync("hello again");
        await console.ActAsync("ban");
        await Assertions.Expect(console.Page.Locator("#case-flags [data-flag='ban']")).ToHaveAttributeAsync("data-on", "true");
        await console.ActAsync("confirmed");
        await Assertions.Expect(console.Page.Locator("#case-status")).ToHaveAttributeAsync("data-status", "confirmed");
        var reviews = await http.GetStringAsync("/safechat/moderation/reviews");
        Assert.Contains(reviews.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("\"conversation_id\":\"skatepark\"", StringComparison.Ordinal) && l.Contains("\"decision\":\"confirmed\"", StringComparison.Ordinal));
    }

    [ChromiumFact]
    public async Task Console_BuildReport_DownloadsTheEvidenceBundleOnPreservationHold()
    {
        await using var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { AcceptDownloads = true });
        var console = await ConsolePage.OpenAsync(context, app.BaseUrl);
        await GroomAsync(context, "rooftop", "ivy", "mr_nice_guy");
        await Assertions.Expect(console.Case("grooming-escalate", "rooftop")).ToHaveCountAsync(1, new LocatorAssertionsToHaveCountOptions { Timeout = 8000 });
        await console.OpenCaseAsync("grooming-escalate", "rooftop");

        var download = await console.Page.RunAndWaitForDownloadAsync(() => console.Page.ClickAsync(".actions button[data-action='report']"));

        Assert.Matches(@"^safechat-evidence-\d+\.json$", download.SuggestedFilename);
        var bundle = SafeChat.Evidence.EvidenceJson.Deserialize(await File.ReadAllTextAsync(await download.PathAsync()));
        Assert.Equal("safechat.evidence/1", bundle.SchemaVersion);
        Assert.Equal("rooftop", bundle.Thread.ConversationId);
        Assert.Equal("mr_nice_guy", bundle.ReportedUser.PlatformUserId);
        Assert.Equal(SafeChat.Conversations.AgeBand.Teen, bundle.Victim.AgeBand);
        Assert.Contains(bundle.Thread.Messages, m => m.Text.Contains("its our secret", StringComparison.Ordinal));
        Assert.Equal("grooming-escalate", bundle.Detection.RuleId);
        await Assertions.Expect(console.Page.Locator("#case-flags [data-flag='report']")).ToHaveAttributeAsync("data-on", "true");
        await Assertions.Expect(console.Page.Locator("#case-flags [data-flag='report']")).ToContainTextAsync("on hold until");
        await Screenshots.TakeAsync(console.Page, "case-report.png");
    }

    [ChromiumFact]
    public async Task Chat_SextortionAgainstATeen_FreezesTheConversationAndQueuesACriticalCaseAboveHigh()
    {
        await using var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var console = await ConsolePage.OpenAsync(context, app.BaseUrl);
        await GroomAsync(context, "pier", "rosa", "groomer_two");
        var teen = await ChatPage.OpenAsync(context, app.BaseUrl, "tomas", 14);
        await teen.JoinAndWaitAsync("lakeside", "public");
        var extorter = await ChatPage.OpenAsync(context, app.BaseUrl, "hot_jenny99", 17);
        await extorter.JoinAndWaitAsync("lakeside", "public");

        string[] lines = ["i have the pics you sent me", "pay me $300 in gift cards or i send them to all your followers and your school", "you have 1 hour. tick tock", "pay me now"];
        var refused = 0;
        foreach (var line in lines)
        {
            refused += await extorter.TryToSayAsync(line) ? 0 : 1;
        }

        Assert.True(refused > 0);
        Assert.False(await teen.TryToSayAsync("please dont"));
        await Assertions.Expect(teen.Page.Locator("#notices li[data-kind='frozen']").First).ToContainTextAsync("sextortion-escalate");
        await Assertions.Expect(teen.Page.Locator("#notices li[data-kind='nudge']", new PageLocatorOptions { HasText = "Take It Down" })).ToHaveCountAsync(1);
        var critical = console.Case("sextortion-escalate", "lakeside");
        await Assertions.Expect(critical).ToHaveCountAsync(1, new LocatorAssertionsToHaveCountOptions { Timeout = 8000 });
        await Assertions.Expect(critical).ToHaveAttributeAsync("data-severity", "critical");
        // Ordered by severity, then age: the newer critical case comes before every older high one.
        await Assertions.Expect(console.Page.Locator("#queue li").First).ToHaveAttributeAsync("data-severity", "critical");
        var criticalColour = await critical.Locator(".sev").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
        var highColour = await console.Case("grooming-escalate", "pier").Locator(".sev").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
        Assert.NotEqual(highColour, criticalColour);
        await console.OpenCaseAsync("sextortion-escalate", "lakeside");
        await Assertions.Expect(console.Page.Locator("#case-flags [data-flag='frozen']")).ToHaveAttributeAsync("data-on", "true");
        await Screenshots.TakeAsync(console.Page, "moderator-critical.png");
    }

    [ChromiumFact]
    public async Task Chat_GuardianDmsTheirChild_IsDeliveredWhileAStrangersDmIsBlocked()
    {
        await using var context = await app.Browser.NewContextAsync();
        var child = await ChatPage.OpenAsync(context, app.BaseUrl, "lily_b", 11);
        var mum = await ChatPage.OpenAsync(context, app.BaseUrl, "mum_rosa", 40);
        await mum.Page.FillAsync("#ward", "lily_b");
        await mum.Page.ClickAsync("#link");
        await mum.Page.WaitForSelectorAsync("#link-state[data-ward='lily_b']");
        await child.JoinAndWaitAsync("rosa-lily", "direct");
        await mum.JoinAndWaitAsync("rosa-lily", "direct");

        var delivered = await mum.TryToSayAsync("dinner at 6, love you. dont forget your coat");

        Assert.True(delivered);
        await Assertions.Expect(child.Page.Locator("#messages")).ToContainTextAsync("dinner at 6");
        var otherChild = await ChatPage.OpenAsync(context, app.BaseUrl, "milo_b", 11);
        var stranger = await ChatPage.OpenAsync(context, app.BaseUrl, "stranger_vic", 35);
        await otherChild.JoinAndWaitAsync("vic-milo", "direct");
        await stranger.JoinAndWaitAsync("vic-milo", "direct");
        Assert.False(await stranger.TryToSayAsync("hey whats up"));
        await Assertions.Expect(stranger.Page.Locator("#notices li[data-kind='blocked']").First).ToContainTextAsync("dm-non-connected-adult-to-minor");
        await Screenshots.TakeAsync(child.Page, "guardian-dm.png");
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
