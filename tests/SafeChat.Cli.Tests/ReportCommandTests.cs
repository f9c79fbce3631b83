using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace SafeChat.Cli.Tests;

public class ReportCommandTests
{
    [Fact]
    public async Task Report_WithoutShowText_IsSelfContainedAndTextFree()
    {
        var (run, html) = await WriteReportAsync();

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(4, CountOf(html, "<svg class=\"plot\""));
        Assert.Contains("id=\"pr-curves\"", html);
        Assert.Contains("id=\"histogram-grooming\"", html);
        Assert.Contains("id=\"histogram-sextortion\"", html);
        Assert.Contains("id=\"latency\"", html);
        Assert.Contains("<table class=\"confusion\">", html);
        Assert.Contains("<table id=\"false-positives\">", html);
        Assert.Contains("<td>n1</td>", html);
        Assert.Contains("<table id=\"false-negatives\">", html);
        Assert.Contains("<td>p3</td>", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("[secrecy]", html);
    }

    [Fact]
    public async Task Report_ShowText_IncludesTheMessagesOfTheWorstErrors()
    {
        var (run, html) = await WriteReportAsync("--show-text");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("<li><b>a</b>: [flattery]</li>", html);
    }

    [ChromiumFact]
    public async Task Report_RenderedInHeadlessChromium_ShowsEveryPlot()
    {
        var (run, html) = await WriteReportAsync();
        Assert.Equal(0, run.ExitCode);
        var path = Path.Combine(Path.GetTempPath(), "safechat-cli-tests", Guid.NewGuid().ToString("N") + ".html");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, html);
        var (playwright, browser) = await Chromium.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1300, Height = 1400 } });
            await page.GotoAsync(new Uri(path).AbsoluteUri);

            var plots = await page.QuerySelectorAllAsync("svg.plot");
            Assert.Equal(4, plots.Count);
            foreach (var plot in plots)
            {
                var box = await plot.BoundingBoxAsync();
                Assert.NotNull(box);
                Assert.True(box.Width >= 300 && box.Height >= 200, $"plot {await plot.GetAttributeAsync("id")} is {box.Width}x{box.Height}");
            }

            Assert.True(await page.Locator("#pr-curves polyline.series").CountAsync() >= 3);
            Assert.True(await page.Locator("#histogram-grooming rect.bar").CountAsync() >= 2);
            Assert.True(await page.Locator("#latency rect.bar").CountAsync() >= 1);
            var screenshot = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
            await File.WriteAllBytesAsync(Path.ChangeExtension(path, ".png"), screenshot);

            var pixels = await CountPixelsAsync(browser, screenshot);
            Assert.True(pixels.Distinct > 50, $"{pixels.Distinct} distinct colours");
            Assert.True(pixels.NonWhite > pixels.Total / 50, $"{pixels.NonWhite} of {pixels.Total} pixels are not white");
            // The series colours are drawn: blue (benign bars, 'any' curve) and vermilion (harmful bars, grooming curve).
            Assert.True(pixels.Blue > 200, $"{pixels.Blue} pixels of #0072b2");
            Assert.True(pixels.Vermilion > 200, $"{pixels.Vermilion} pixels of #d55e00");
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    private static async Task<(CliRun Run, string Html)> WriteReportAsync(params string[] extra)
    {
        var gold = await CliRunner.WriteTempAsync("hand.jsonl", Encoding.UTF8.GetBytes(EvalCommandTests.HandGold + "\n"));
        var output = Path.Combine(Path.GetDirectoryName(gold)!, "report.html");
        var run = await new CliRunner().RunAsync(["report", gold, "-o", output, .. extra]);
        return (run, run.ExitCode == 0 ? await File.ReadAllTextAsync(output) : "");
    }

    private static int CountOf(string text, string value) => (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;

    /// <summary>Decodes the PNG in the browser (a canvas) and counts its colours: the test needs no image library.</summary>
    private static async Task<(int Total, int NonWhite, int Distinct, int Blue, int Vermilion)> CountPixelsAsync(IBrowser browser, byte[] png)
    {
        var page = await browser.NewPageAsync();
        await page.SetContentAsync("<canvas id=\"c\"></canvas>");
        var result = await page.EvaluateAsync<JsonElement>(
            """
            async (b64) => {
              const img = new Image();
              img.src = 'data:image/png;base64,' + b64;
              await img.decode();
              const c = document.getElementById('c');
              c.width = img.width; c.height = img.height;
              const ctx = c.getContext('2d');
              ctx.drawImage(img, 0, 0);
              const d = ctx.getImageData(0, 0, c.width, c.height).data;
              const colours = new Set();
              let nonWhite = 0, blue = 0, vermilion = 0;
              for (let i = 0; i < d.length; i += 4) {
                const r = d[i], g = d[i + 1], b = d[i + 2];
                colours.add((r << 16) | (g << 8) | b);
                if (r < 245 || g < 245 || b < 245) nonWhite++;
                if (r === 0 && g === 114 && b === 178) blue++;
                if (r === 213 && g === 94 && b === 0) vermilion++;
              }
              return { total: d.length / 4, nonWhite, distinct: colours.size, blue, vermilion };
            }
            """,
            Convert.ToBase64String(png));
        await page.CloseAsync();
        return (result.GetProperty("total").GetInt32(), result.GetProperty("nonWhite").GetInt32(), result.GetProperty("distinct").GetInt32(),
            result.GetProperty("blue").GetInt32(), result.GetProperty("vermilion").GetInt32());
    }
}
