using Microsoft.Playwright;

namespace SafeChat.Samples.ChatServer.Tests;

/// <summary>Drives the sample's chat page as a person would: typing into the fields and clicking the buttons.</summary>
internal sealed class ChatPage(IPage page)
{
    public IPage Page { get; } = page;

    public static async Task<ChatPage> OpenAsync(IBrowserContext context, string baseUrl, string name, int age)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(baseUrl + "/");
        await page.FillAsync("#name", name);
        await page.FillAsync("#age", age.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("#connect");
        await page.WaitForSelectorAsync("#connection-state[data-state='online']");
        return new ChatPage(page);
    }

    public async Task JoinAsync(string room, string kind)
    {
        await Page.FillAsync("#room", room);
        await Page.SelectOptionAsync("#kind", kind);
        await Page.ClickAsync("#join");
    }

    public async Task JoinAndWaitAsync(string room, string kind)
    {
        await JoinAsync(room, kind);
        await Page.WaitForSelectorAsync($"#current-room[data-room='{room}']");
    }

    /// <summary>Types a message and waits until it is either broadcast back into the list or refused with a notice.</summary>
    /// <returns>True when delivered, false when a notice (held, blocked, frozen) came instead.</returns>
    public async Task<bool> TryToSayAsync(string text)
    {
        var messages = await Page.Locator("#messages li").CountAsync();
        var notices = await Page.Locator("#notices li:not([data-kind='info']):not([data-kind='nudge'])").CountAsync();
        await Page.FillAsync("#message", text);
        await Page.PressAsync("#message", "Enter");
        await Page.WaitForFunctionAsync(
            "([m, n]) => document.querySelectorAll('#messages li').length > m || document.querySelectorAll(\"#notices li:not([data-kind='info']):not([data-kind='nudge'])\").length > n",
            new[] { messages, notices });
        return await Page.Locator("#messages li").CountAsync() > messages;
    }

    /// <summary>Types a message and waits until the server has broadcast it back into this page's list.</summary>
    public async Task SayAsync(string text)
    {
        var before = await Page.Locator("#messages li").CountAsync();
        await Page.FillAsync("#message", text);
        await Page.PressAsync("#message", "Enter");
        await Page.WaitForFunctionAsync("n => document.querySelectorAll('#messages li').length > n", before);
    }
}
