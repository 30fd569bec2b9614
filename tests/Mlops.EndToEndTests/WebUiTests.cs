using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Mlops.EndToEndTests;

/// <summary>The web UI in a real browser (Debian's Chromium), through a real NGINX, gateway and runner.</summary>
public sealed class WebUiTests(ITestOutputHelper output) : IAsyncLifetime
{
    private BrowserStack _stack = null!;

    public async Task InitializeAsync() =>
        _stack = await BrowserStack.StartAsync(new Dictionary<string, string?> { ["Runner:FunctionsPath"] = RepositoryPaths.Functions });

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task TrainThenPredict_ShowsMetricsThenSetosaWithItsProbabilities()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var ui = await _stack.OpenWebUiAsync(playwright, viewport: new ViewportSize { Width = 1100, Height = 1600 });
        var page = ui.Page;

        await page.Locator("input[name=n_estimators]").FillAsync("20");
        await page.ClickAsync("#train-button");
        await Expect(page.Locator("#train-result")).ToBeVisibleAsync(new() { Timeout = 300_000 });
        // The source documents' result view: accuracy, precision, recall, F1 score, training time, model URI.
        foreach (var figure in new[] { "Accuracy", "Precision", "Recall", "F1 score", "Training time", "models:/iris_model/1" })
        {
            await Expect(page.Locator("#train-metrics")).ToContainTextAsync(figure);
        }

        await Expect(page.Locator("#train-confusion")).ToContainTextAsync("setosa");
        await Expect(page.Locator("#train-summary")).ToContainTextAsync("model iris_model version 1");
        await Expect(page.Locator("#train-log")).ToContainTextAsync("test accuracy");

        await page.ClickAsync("#predict-button");
        await Expect(page.Locator("#predict-class")).ToHaveTextAsync("setosa", new() { Timeout = 120_000 });
        await Expect(page.Locator("#predict-chart rect.bar")).ToHaveCountAsync(3);
        await Expect(page.Locator("#predict-chart")).ToContainTextAsync("versicolor");

        // Serve that model from a warm replica, watch it become ready, ask it, and take it down again.
        await page.ClickAsync("#endpoint-button");
        await Expect(page.Locator("#endpoints-table")).ToContainTextAsync("ready", new() { Timeout = 120_000 });
        await Expect(page.Locator("#endpoint-status")).ToHaveTextAsync("ready", new() { Timeout = 120_000 });
        await page.ClickAsync("#serve-button");
        await Expect(page.Locator("#serve-class")).ToHaveTextAsync("virginica", new() { Timeout = 30_000 });
        await Expect(page.Locator("#serve-version")).ToHaveTextAsync("1");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "artifacts", "web-ui-endpoints.png"), FullPage = true });
        await page.ClickAsync("#endpoints-table tr[data-endpoint=iris] button");
        await Expect(page.Locator("#endpoints-table tbody tr")).ToHaveCountAsync(0, new() { Timeout = 60_000 });

        var screenshot = Path.Combine(AppContext.BaseDirectory, "artifacts", "web-ui-train-predict.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"screenshot: {screenshot}");
    }

    [Fact]
    public async Task AnError_IsShownNextToTheFormThatCausedIt()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var ui = await _stack.OpenWebUiAsync(playwright);
        var page = ui.Page;

        // Nothing was trained on this runner: predict must say so, beside the predict form.
        await page.ClickAsync("#predict-button");
        await Expect(page.Locator("#predict-error")).ToContainTextAsync("invoke 'train' first", new() { Timeout = 60_000 });
        await Expect(page.Locator("#train-error")).ToBeHiddenAsync();
    }
}
