using Microsoft.Playwright;

namespace SafeChat.Samples.ChatServer.Tests;

/// <summary>Writes a screenshot under the test output's screenshots/ (docs/screenshots holds the checked-in copies) and checks it.</summary>
internal static class Screenshots
{
    public static async Task TakeAsync(IPage page, string name)
    {
        var path = Path.Combine(ChatAppFixture.ScreenshotDirectory, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(bytes.Length > 5_000, $"{name} is only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes[..4]); // a PNG
    }
}
