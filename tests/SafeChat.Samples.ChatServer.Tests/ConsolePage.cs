using Microsoft.Playwright;

namespace SafeChat.Samples.ChatServer.Tests;

/// <summary>Drives the moderator console: signs in with the API key and waits until the live (SignalR) link is up.</summary>
internal sealed class ConsolePage(IPage page)
{
    public IPage Page { get; } = page;

    public static async Task<ConsolePage> OpenAsync(IBrowserContext context, string baseUrl)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(baseUrl + "/moderator.html");
        await page.FillAsync("#api-key", ChatAppFixture.ModeratorKey);
        await page.ClickAsync("#load");
        await page.WaitForSelectorAsync("#live[data-state='live']");
        return new ConsolePage(page);
    }

    public ILocator Case(string rule, string room) => Page.Locator($"#queue li[data-rule='{rule}'][data-room='{room}']");

    public async Task OpenCaseAsync(string rule, string room)
    {
        await Case(rule, room).ClickAsync();
        await Page.WaitForSelectorAsync($"#case:not([hidden])");
    }

    public async Task ActAsync(string action)
    {
        await Page.EvaluateAsync("() => delete document.getElementById('action-result').dataset.done");
        await Page.ClickAsync($".actions button[data-action='{action}']");
        await Page.WaitForSelectorAsync($"#action-result[data-done='{action}']");
    }
}
