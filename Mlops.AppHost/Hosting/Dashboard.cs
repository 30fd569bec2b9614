using System.Net;
using System.Text;

namespace Mlops.AppHost.Hosting;

/// <summary>The AppHost's own web endpoint: /health, and the resources with their state and endpoints.</summary>
internal sealed class Dashboard(int port)
{
    private WebApplication? _app;

    public string Url => $"http://127.0.0.1:{port}";

    public async Task StartAsync(IReadOnlyList<Resource> resources, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(Url);
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/health", () => "Healthy");
        _app.MapGet("/api/resources", () => resources.Select(r => new
        {
            r.Name,
            State = r.State.ToString(),
            Endpoints = r.Endpoints.Select(e => e.Url),
        }));
        _app.MapGet("/", () => Results.Content(Render(resources), "text/html; charset=utf-8"));
        await _app.StartAsync(cancellationToken);
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static string Render(IReadOnlyList<Resource> resources)
    {
        var html = new StringBuilder("<!doctype html><meta charset=utf-8><title>Mlops resources</title><h1>Resources</h1><table><tr><th>name</th><th>state</th><th>endpoints</th></tr>");
        foreach (var resource in resources)
        {
            var endpoints = string.Join(" ", resource.Endpoints.Select(e => WebUtility.HtmlEncode(e.Url)));
            html.Append($"<tr><td>{WebUtility.HtmlEncode(resource.Name)}</td><td>{resource.State}</td><td>{endpoints}</td></tr>");
        }

        return html.Append("</table>").ToString();
    }
}
