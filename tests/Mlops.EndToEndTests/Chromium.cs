using Microsoft.Playwright;

namespace Mlops.EndToEndTests;

/// <summary>Debian's Chromium as Playwright must start it on this machine: headless, no sandbox (root), no network chatter.</summary>
internal static class Chromium
{
    private static readonly string[] Args =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    public static BrowserTypeLaunchPersistentContextOptions Options(ViewportSize? viewport = null) => new()
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = Args,
        ViewportSize = viewport,
    };

    /// <summary>Opens the web UI and gives it a key, as a user does once per browser session.</summary>
    public static async Task OpenWebUiAsync(IPage page, string url, string key)
    {
        await page.GotoAsync(url);
        await page.FillAsync("#api-key", key);
        await page.ClickAsync("#key-button");
        await page.WaitForLoadStateAsync(LoadState.Load);
        await Assertions.Expect(page.Locator("#key-form")).ToBeHiddenAsync();
    }
}
