using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Mlops.EndToEndTests;

/// <summary>The dashboard's Metrics page in a real browser: an instrument picked from the list is drawn as an SVG chart.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsPageTests(MetricsAppFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task PickingTheInvocationDuration_DrawsItsQuantilesWithPoints()
    {
        await fixture.InstrumentsAsync("runner", "mlops.invocations", "mlops.invocation.duration");
        var profile = Directory.CreateTempSubdirectory("mlops-chromium-").FullName;
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(profile, Chromium.Options(new ViewportSize { Width = 1300, Height = 900 }));
            var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
            await page.GotoAsync($"{fixture.App.Dashboard}/login?t={fixture.App.DashboardToken}");
            await page.ClickAsync("header a[data-tab=metrics]");
            await page.SelectOptionAsync("#metric-service", "runner");

            await page.Locator("#metric-rows tr[data-metric='mlops.invocation.duration']").ClickAsync();
            var chart = page.Locator("#metric-chart");
            await Expect(page.Locator("#metric-title")).ToHaveTextAsync("runner: mlops.invocation.duration");
            await Expect(page.Locator("#metric-legend")).ToHaveTextAsync("p50p95p99");
            await Expect(chart.Locator("polyline.line")).ToHaveCountAsync(3);
            Assert.True(await chart.Locator("circle.point").CountAsync() >= 3);
            await ScreenshotAsync(page, "dashboard-metrics-histogram.png");

            // A counter is a rate, every series at once.
            await page.Locator("#metric-rows tr[data-metric='mlops.invocations']").ClickAsync();
            await Expect(page.Locator("#metric-note")).ToContainTextAsync("rate per second in {invocation}/s");
            await Expect(chart.Locator("polyline.line")).ToHaveCountAsync(2);
            Assert.True(await chart.Locator("circle.point").CountAsync() >= 2);
            Assert.Contains("faas.name=train", await page.Locator("#metric-legend").InnerTextAsync());

            await ScreenshotAsync(page, "dashboard-metrics-counter.png");
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    private async Task ScreenshotAsync(IPage page, string name)
    {
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        var screenshot = Path.Combine(AppContext.BaseDirectory, "artifacts", name);
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        output.WriteLine($"screenshot: {screenshot}");
    }
}
