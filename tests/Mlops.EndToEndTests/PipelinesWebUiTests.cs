using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Mlops.EndToEndTests;

/// <summary>
/// The web UI's Pipelines tab in a real browser (Debian's Chromium), through a real NGINX, gateway and runner: a
/// tiny pipeline of the test function echo (one step, then a map over two items) drawn, run, coloured live, re-run
/// from the cache.
/// </summary>
public sealed partial class PipelinesWebUiTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Tiny = """
        {
          "description": "Echo once, then once per count",
          "inputs": {
            "message": { "type": "string", "default": "hello" },
            "counts": { "type": "array", "items": "integer", "default": [1, 2] }
          },
          "steps": {
            "hello": { "function": "echo", "parameters": { "message": "${inputs.message}" } },
            "twice": { "function": "echo", "map": { "over": "${inputs.counts}" }, "parameters": { "count": "${item}" }, "after": ["hello"] }
          }
        }
        """;

    private static readonly TimeSpan FirstRun = TimeSpan.FromMinutes(4);

    private string _pipelines = null!;
    private BrowserStack _stack = null!;

    public async Task InitializeAsync()
    {
        _pipelines = Directory.CreateTempSubdirectory("mlops-pipelines-").FullName;
        Directory.CreateDirectory(Path.Combine(_pipelines, "tiny"));
        await File.WriteAllTextAsync(Path.Combine(_pipelines, "tiny", "pipeline.json"), Tiny);
        try
        {
            _stack = await BrowserStack.StartAsync(new Dictionary<string, string?> { ["Runner:PipelinesPath"] = _pipelines });
        }
        catch
        {
            // xunit does not call DisposeAsync when InitializeAsync fails.
            Directory.Delete(_pipelines, recursive: true);
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        Directory.Delete(_pipelines, recursive: true);
    }

    [GeneratedRegex(@"\bst-succeeded\b")]
    private static partial Regex Succeeded();

    [GeneratedRegex(@"\bst-cached\b")]
    private static partial Regex Cached();

    [Fact]
    public async Task RunATinyPipeline_ItsStepsTurnGreen_AndARunAgainTakesEachFromTheCache()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var ui = await _stack.OpenWebUiAsync(playwright, "/#pipelines", new ViewportSize { Width = 1100, Height = 1600 });
        var page = ui.Page;

        await page.SelectOptionAsync("#pipeline-select", "tiny");
        // The plan: the map step is a stack (three shapes), drawn below the step it runs after.
        await Expect(page.Locator("#pipeline-dag [data-step=hello]")).ToBeVisibleAsync();
        await Expect(page.Locator("#pipeline-dag [data-step=twice] .dag-shape")).ToHaveCountAsync(3);
        await Expect(page.Locator("#pipeline-inputs input[data-input=counts]")).ToHaveValueAsync("[1,2]");

        await page.FillAsync("#pipeline-inputs input[data-input=message]", "from the browser");
        await page.ClickAsync("#pipeline-run-button");
        foreach (var step in new[] { "hello", "twice" })
        {
            await Expect(page.Locator($"#run-dag [data-step={step}]")).ToHaveClassAsync(Succeeded(), new() { Timeout = (float)FirstRun.TotalMilliseconds });
        }

        await Expect(page.Locator("#run-summary")).ToContainTextAsync("succeeded");
        await Expect(page.Locator("#run-dag [data-step=twice]")).ToContainTextAsync("×2");
        await page.ClickAsync("#run-dag [data-step=hello]");
        await Expect(page.Locator("#step-details")).ToContainTextAsync("Cache key");
        await Expect(page.Locator("#step-details")).ToContainTextAsync("from the browser");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("web-ui-pipeline-run.png"), FullPage = true });

        // The same inputs again: nothing runs, every step is green with the cache's mark.
        await page.ClickAsync("#pipeline-run-button");
        await Expect(page.Locator("#run-summary")).ToContainTextAsync("2 from the cache", new() { Timeout = 60_000 });
        await Expect(page.Locator("#run-dag [data-step=hello]")).ToHaveClassAsync(Cached());
        await Expect(page.Locator("#pipeline-runs tbody tr")).ToHaveCountAsync(2);
        var screenshot = Screenshot("web-ui-pipeline-cached.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"screenshot: {screenshot}");
    }

    private static string Screenshot(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "artifacts", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
