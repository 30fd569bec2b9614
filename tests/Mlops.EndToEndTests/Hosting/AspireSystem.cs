extern alias apphost;

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Mlops.EndToEndTests.Hosting;

/// <summary>
/// The whole system as `dotnet run --project Mlops.AppHost` starts it, through Aspire.Hosting.Testing: the real
/// AppHost in this process, DCP, and the services it starts — on free ports, with data, logs and a runner
/// instance of its own. Start one per test class: a start and a stop take seconds each.
/// </summary>
public sealed class AspireSystem : IAsyncDisposable
{
    private AspireSystem(DistributedApplication app, Dictionary<string, int> ports, string root, string instance, string dashboardToken)
    {
        App = app;
        Ports = ports;
        Root = root;
        Instance = instance;
        DashboardToken = dashboardToken;
    }

    private int _disposed;

    public DistributedApplication App { get; }

    public IReadOnlyDictionary<string, int> Ports { get; }

    /// <summary>The folder of this run's data (data/) and logs (logs/).</summary>
    public string Root { get; }

    /// <summary>The runner's instance name: its containers carry it as mlops.runner.</summary>
    public string Instance { get; }

    public string DashboardToken { get; }

    public string FrontDoor => $"http://127.0.0.1:{Ports["nginx:http"]}";

    public string FrontDoorGrpc => $"http://127.0.0.1:{Ports["nginx:grpc"]}";

    public string Runner => $"http://127.0.0.1:{Ports["runner:grpc"]}";

    public string Dashboard => $"http://127.0.0.1:{Ports["dashboard:http"]}";

    public string Data => Path.Combine(Root, "data");

    /// <summary>The admin key the AppHost wrote to data/secrets/admin.key on start.</summary>
    public string AdminKey => BearerHandler.AdminKeyIn(Data);

    /// <summary>The key of the dashboard's telemetry API, which the AppHost keeps in data/secrets/dashboard.key.</summary>
    public string DashboardApiKey => File.ReadAllText(Path.Combine(Data, "secrets", "dashboard.key")).Trim();

    /// <summary>A client of <paramref name="baseAddress"/> that sends <paramref name="key"/> (the admin key by default).</summary>
    public HttpClient Http(string baseAddress, TimeSpan? timeout = null, string? key = null) =>
        BearerHandler.Client(baseAddress, key ?? AdminKey, timeout ?? TimeSpan.FromMinutes(5));

    /// <summary>The dashboard's telemetry API (/api/telemetry/...), with its key.</summary>
    public HttpClient TelemetryApi()
    {
        var http = new HttpClient { BaseAddress = new Uri(Dashboard), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-API-Key", DashboardApiKey);
        return http;
    }

    /// <param name="dashboard">Whether Aspire's dashboard runs (and the services export their telemetry to it).</param>
    /// <param name="arguments">More of the AppHost's command line (e.g. --Tracking:MlflowUri=...).</param>
    /// <param name="functionsPath">The runner's functions folder, when not the repository's.</param>
    /// <param name="extraPorts">More ports to put on free numbers (e.g. mlflow:http).</param>
    public static async Task<AspireSystem> StartAsync(TimeSpan timeout, bool dashboard = false, IReadOnlyList<string>? arguments = null, string? functionsPath = null,
        IReadOnlyList<string>? extraPorts = null)
    {
        string[] names = ["runner:grpc", "gateway:http", "gateway:grpc", "nginx:http", "nginx:grpc", "dashboard:http", "dashboard:otlp-grpc", "dashboard:otlp", .. extraPorts ?? []];
        var ports = names.Zip(AppHostProcess.FreePorts(names.Length)).ToDictionary(pair => pair.First, pair => pair.Second);
        var root = Directory.CreateTempSubdirectory("mlops-e2e-").FullName;
        var instance = $"e2e-{Guid.NewGuid():N}"[..16];
        var token = Guid.NewGuid().ToString("N");
        List<string> args =
        [
            .. ports.Select(pair => $"--Ports:{pair.Key}={pair.Value}"),
            $"--Runner:DataPath={Path.Combine(root, "data")}",
            $"--Auth:DataPath={Path.Combine(root, "data")}",
            $"--Runner:LogsPath={Path.Combine(root, "logs")}",
            $"--Runner:InstanceName={instance}",
            $"--Dashboard:Token={token}",
            // Aspire.Hosting.Testing moves proxied ports (the dashboard's) to random ones; these are free already.
            "--DcpPublisher:RandomizePorts=false",
            .. functionsPath is null ? Array.Empty<string>() : [$"--Runner:FunctionsPath={functionsPath}"],
            .. arguments ?? [],
        ];

        using var bound = new CancellationTokenSource(timeout);
        // By the AppHost's entry point: its assembly is referenced under an alias (it has the protos' types too).
        var builder = await DistributedApplicationTestingBuilder.CreateAsync(typeof(apphost::Program), [.. args],
            (options, _) => options.DisableDashboard = !dashboard, bound.Token);
        var app = await builder.BuildAsync(bound.Token);
        var system = new AspireSystem(app, ports, root, instance, token);
        try
        {
            await app.StartAsync(bound.Token);
            // NGINX waits for the gateway, which waits for the runner: healthy, it means everything is.
            await app.ResourceNotifications.WaitForResourceHealthyAsync("nginx", bound.Token);
            return system;
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            var states = string.Join(", ", new[] { "runner", "gateway", "nginx" }.Select(name =>
                $"{name}: {(app.ResourceNotifications.TryGetCurrentState(name, out var state) ? state.Snapshot.State?.Text : "unknown")}"));
            await system.DisposeAsync();
            throw new TimeoutException($"the system was not healthy within {timeout.TotalSeconds:0} s ({states})");
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>The process id of an executable resource, as the dashboard shows it.</summary>
    public int? ProcessIdOf(string resource) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var state) &&
        state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid
            ? Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    /// <summary>Stops everything (DCP removes the containers and processes it started) and deletes this run's folder; again, it does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        using (var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            try
            {
                await App.StopAsync(bound.Token);
            }
            finally
            {
                await App.DisposeAsync();
            }
        }

        Directory.Delete(Root, recursive: true);
    }
}
