using Microsoft.Playwright;

namespace Mlops.EndToEndTests;

/// <summary>A page of the web UI in its own browser, closed on dispose.</summary>
internal sealed record WebUiPage(IBrowserContext Browser, IPage Page) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Browser.DisposeAsync();
}
