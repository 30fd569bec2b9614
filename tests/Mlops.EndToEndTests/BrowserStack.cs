using Microsoft.Playwright;

namespace Mlops.EndToEndTests;

/// <summary>
/// What a browser test of the web UI stands on: a runner, a gateway, a real NGINX in front of them, and a fresh
/// Chromium profile folder; all of it undone on dispose, or at once when one of them fails to start.
/// </summary>
internal sealed class BrowserStack : IAsyncDisposable
{
    private BrowserStack(RunnerHost runner, GatewayHost gateway, FrontDoor door, string profile)
    {
        Runner = runner;
        Gateway = gateway;
        Door = door;
        Profile = profile;
    }

    public RunnerHost Runner { get; }

    public GatewayHost Gateway { get; }

    public FrontDoor Door { get; }

    public string Profile { get; }

    public static async Task<BrowserStack> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var runner = await RunnerHost.StartAsync(settings);
        GatewayHost? gateway = null;
        try
        {
            gateway = GatewayHost.Start(runner);
            var door = await FrontDoor.StartAsync(gateway.Address, runner.Address);
            return new BrowserStack(runner, gateway, door, Directory.CreateTempSubdirectory("mlops-chromium-").FullName);
        }
        catch
        {
            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }

            await runner.DisposeAsync();
            throw;
        }
    }

    /// <summary>Chromium on the web UI at <paramref name="path"/>, given the admin key as a user gives it once.</summary>
    public async Task<WebUiPage> OpenWebUiAsync(IPlaywright playwright, string path = "/", ViewportSize? viewport = null)
    {
        var browser = await playwright.Chromium.LaunchPersistentContextAsync(Profile, Chromium.Options(viewport));
        try
        {
            var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
            await Chromium.OpenWebUiAsync(page, Door.Url + path, Runner.AdminKey);
            return new WebUiPage(browser, page);
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Door.DisposeAsync();
        await Gateway.DisposeAsync();
        await Runner.DisposeAsync();
        Directory.Delete(Profile, recursive: true);
    }
}
