using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using SafeChat.Samples.ChatServer;

namespace SafeChat.Samples.ChatServer.Tests;

/// <summary>
/// The sample app on a free loopback port (in-process Kestrel, real default scorer) and one headless Debian Chromium,
/// shared by the browser checks.
/// </summary>
public sealed class ChatAppFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string ModeratorKey = "browser-test-moderator-key";

    private WebApplication? _app;
    private IPlaywright? _playwright;

    public string BaseUrl { get; private set; } = string.Empty;

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath} (apt-get install -y chromium); with CI=true this test fails instead of skipping.");
        }

        _app = ChatServerApp.Build(["--urls", "http://127.0.0.1:0", "--Moderation:ApiKey", ModeratorKey, "--Logging:LogLevel:Default", "Warning"]);
        await _app.StartAsync();
        BaseUrl = _app.Urls.Single().TrimEnd('/');

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

/// <summary>
/// A fact that needs Debian's Chromium: skipped when it is missing, unless CI=true, where it runs and fails
/// ("a test that needs Chromium must fail, not skip, when CI=true and its browser is missing").
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(ChatAppFixture.ChromiumPath) && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = $"Chromium is not installed at {ChatAppFixture.ChromiumPath} (apt-get install -y chromium); set CI=true to make this a failure.";
        }
    }
}
