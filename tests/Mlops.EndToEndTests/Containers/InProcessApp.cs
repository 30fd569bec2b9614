extern alias apphost;

using System.Net.Http.Json;
using System.Text.Json.Nodes;
using apphost::Mlops.AppHost.Hosting;

namespace Mlops.EndToEndTests.Containers;

/// <summary>
/// An app model run inside the test, as the AppHost's Program.cs runs its own: the dashboard on free ports,
/// keys in a temporary folder, stopped as Ctrl+C stops it.
/// </summary>
internal sealed class InProcessApp : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly string _dataPath = Directory.CreateTempSubdirectory("mlops-apphost-test-").FullName;
    private readonly string _token = Guid.NewGuid().ToString("N");
    private readonly int _dashboardPort;
    private Task<int>? _run;

    public InProcessApp()
    {
        var ports = AppHostProcess.FreePorts(2);
        _dashboardPort = ports[0];
        Builder = DistributedApplication.CreateBuilder([
            $"--Endpoints:dashboard:http={ports[0]}", $"--Endpoints:dashboard:otlp={ports[1]}",
            $"--Dashboard:Token={_token}", $"--Auth:DataPath={_dataPath}"]);
    }

    public DistributedApplicationBuilder Builder { get; }

    /// <summary>Builds and runs the app; returns once everything is up, throws with the exit code when the start fails.</summary>
    public async Task StartAsync()
    {
        var app = Builder.Build();
        _run = app.RunAsync([], _stop.Token);
        if (await Task.WhenAny(app.Started, _run).WaitAsync(TimeSpan.FromMinutes(3)) == _run)
        {
            throw new InvalidOperationException($"the app did not start: it returned {await _run}");
        }
    }

    /// <summary>What Ctrl+C does; the app's exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await _run!.WaitAsync(TimeSpan.FromMinutes(1));
    }

    public HttpClient Dashboard() => BearerHandler.Client($"http://127.0.0.1:{_dashboardPort}", _token, TimeSpan.FromSeconds(30));

    public async Task<JsonNode> ResourceAsync(string name)
    {
        using var dashboard = Dashboard();
        return (await dashboard.GetFromJsonAsync<JsonArray>("/api/resources"))!.Single(r => r!["name"]!.GetValue<string>() == name)!;
    }

    public async Task<string> ConsoleAsync(string name)
    {
        using var dashboard = Dashboard();
        var lines = (await dashboard.GetFromJsonAsync<JsonArray>($"/api/console/{name}"))!;
        return string.Join('\n', lines.Select(l => l!["line"]!.GetValue<string>()));
    }

    /// <summary>Asks until <paramref name="condition"/> holds; false when it still does not after <paramref name="bound"/>.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan bound)
    {
        for (var deadline = DateTime.UtcNow + bound; DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            if (await condition())
            {
                return true;
            }
        }

        return await condition();
    }

    public async ValueTask DisposeAsync()
    {
        if (_run is { IsCompleted: false })
        {
            await StopAsync();
        }

        _stop.Dispose();
        Directory.Delete(_dataPath, recursive: true);
    }
}
