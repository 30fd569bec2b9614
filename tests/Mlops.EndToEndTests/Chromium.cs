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
}
