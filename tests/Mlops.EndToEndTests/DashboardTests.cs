using Mlops.Testing;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Mlops.EndToEndTests;

/// <summary>The dashboard as a person uses it: a predict made in the web UI, then found as a trace and opened.</summary>
public sealed class DashboardTests(ITestOutputHelper output)
{
    [Fact]
    public async Task APredictFromTheWebUi_ShowsAsATraceWithItsWaterfall()
    {
        await using var app = await AppHostProcess.StartAsync(RepositoryPaths.Root, RepositoryPaths.Configuration, TimeSpan.FromMinutes(4));
        using var http = app.Http(app.FrontDoor);
        using (var train = await http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "train", ["parameters"] = new JsonObject { ["n_estimators"] = 20 } }))
        {
            train.EnsureSuccessStatusCode();
        }

        var profile = Directory.CreateTempSubdirectory("mlops-chromium-").FullName;
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(profile, Chromium.Options(new ViewportSize { Width = 1300, Height = 1000 }));
            var ui = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
            await Chromium.OpenWebUiAsync(ui, app.FrontDoor + "/", app.AdminKey);
            await ui.ClickAsync("#predict-button");
            await Expect(ui.Locator("#predict-class")).ToHaveTextAsync("setosa", new() { Timeout = 120_000 });

            var dashboard = await browser.NewPageAsync();
            await dashboard.GotoAsync($"{app.Dashboard}/login?t={app.DashboardToken}");
            await Expect(dashboard.Locator("#resources tbody")).ToContainTextAsync("healthy", new() { Timeout = 30_000 });
            await dashboard.ClickAsync("header a[data-tab=traces]");
            await dashboard.FillAsync("#trace-function", "predict");
            await dashboard.ClickAsync("#trace-go");
            // Spans are exported every second: look again until the web UI's predict is there.
            var rows = dashboard.Locator("#trace-rows tr", new() { HasText = "gateway: POST /invoke" });
            for (var deadline = DateTime.UtcNow.AddSeconds(30); await rows.CountAsync() == 0 && DateTime.UtcNow < deadline; await Task.Delay(500))
            {
                await dashboard.ClickAsync("#trace-go");
            }

            // Only predict traces are listed once filtered.
            await Expect(dashboard.Locator("#trace-rows tr", new() { HasText = "train" })).ToHaveCountAsync(0);

            await rows.First.ClickAsync();
            var waterfall = dashboard.Locator("#waterfall");
            // The dashboard reads an open trace again as late spans arrive.
            await Expect(waterfall).ToContainTextAsync("runner: invoke predict", new() { Timeout = 30_000 });
            await Expect(waterfall).ToContainTextAsync("runner: container remove", new() { Timeout = 30_000 });
            await waterfall.Locator(".row", new() { HasText = "invoke predict" }).First.ClickAsync();
            await Expect(dashboard.Locator("#span-detail")).ToContainTextAsync("faas.name = predict");

            var screenshot = Path.Combine(AppContext.BaseDirectory, "artifacts", "dashboard-predict-trace.png");
            Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
            await dashboard.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            output.WriteLine($"screenshot: {screenshot}");
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
