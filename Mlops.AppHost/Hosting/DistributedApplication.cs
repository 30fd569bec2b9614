using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using Mlops.AppHost.Telemetry;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// The app model, run: starts each resource once the resources it waits for are healthy, prints where
/// everything is, and stops everything in reverse order on Ctrl+C or SIGTERM, or when a resource dies.
/// </summary>
public sealed class DistributedApplication
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan HealthInterval = TimeSpan.FromSeconds(5);

    private readonly IReadOnlyList<Resource> _resources;
    private readonly Dashboard _dashboard;
    private readonly ConsoleLog _console;
    private readonly string? _externalOtlpEndpoint;
    private readonly string _dataPath;

    internal DistributedApplication(IReadOnlyList<Resource> resources, Dashboard dashboard, ConsoleLog console, string? externalOtlpEndpoint, string dataPath)
    {
        _dataPath = dataPath;
        _resources = resources;
        _dashboard = dashboard;
        _console = console;
        _externalOtlpEndpoint = externalOtlpEndpoint;
    }

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(args);

    /// <summary>The repository this AppHost was built from; project resources live under it.</summary>
    public static string RepositoryRoot { get; } = typeof(DistributedApplication).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    internal static string Configuration { get; } =
        typeof(DistributedApplication).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>Runs the app; with the argument "publish" (and --output DIR), writes it as docker-compose instead.</summary>
    public async Task<int> RunAsync(string[]? args = null)
    {
        if (args is ["publish", ..])
        {
            var output = args.SkipWhile(a => a != "--output").Skip(1).FirstOrDefault() ?? "publish";
            return await Publishing.ComposePublisher.PublishAsync(_resources, output, CancellationToken.None);
        }

        using var stopping = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        var started = new List<(Resource Resource, ResourceProcess Process)>();
        var exitCode = 0;
        try
        {
            // Only a run makes keys: publishing writes files for another machine.
            var secrets = AppSecrets.Ensure(_dataPath);
            await _dashboard.StartAsync(_resources, secrets.ServiceKey, stopping.Token);
            foreach (var resource in _resources)
            {
                var process = await StartAsync(resource, stopping.Token);
                started.Add((resource, process));
            }

            PrintUrls(secrets);
            using var probing = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            var health = WatchHealthAsync(probing.Token);
            var waits = started.Select(s => s.Process.WaitForExitAsync(stopping.Token)).ToList();
            var exited = await Task.WhenAny(waits);
            await probing.CancelAsync();
            await health;
            if (!stopping.IsCancellationRequested)
            {
                var (resource, process) = started[waits.IndexOf(exited)];
                resource.State = ResourceState.Exited;
                Report($"{resource.Name} exited unexpectedly with code {process.ExitCode}; stopping everything", process);
                exitCode = 1;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Ctrl+C while starting.
        }
        catch (StartException ex)
        {
            Console.Error.WriteLine($"apphost  | {ex.Message}");
            exitCode = 1;
        }
        finally
        {
            Console.WriteLine("apphost  | stopping");
            foreach (var (resource, process) in Enumerable.Reverse(started))
            {
                await process.StopAsync(StopGrace);
                resource.Cleanup();
                resource.State = resource.State == ResourceState.Exited ? ResourceState.Exited : ResourceState.Stopped;
            }

            await _dashboard.StopAsync();
            Console.WriteLine("apphost  | stopped");
        }

        return exitCode;

        void Stop(PosixSignalContext context)
        {
            // Keep the process alive until every child is down.
            context.Cancel = true;
            stopping.Cancel();
        }
    }

    /// <summary>Keeps each running resource's health current for the dashboard.</summary>
    private async Task WatchHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(HealthInterval, cancellationToken);
                foreach (var resource in _resources.Where(r => r.State == ResourceState.Running && r.HealthPath is not null))
                {
                    resource.Health = await HealthProbe.IsHealthyAsync(resource.Endpoints[0], resource.HealthPath!, cancellationToken) ? "healthy" : "unhealthy";
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task<ResourceProcess> StartAsync(Resource resource, CancellationToken cancellationToken)
    {
        resource.State = ResourceState.Waiting;
        foreach (var dependency in resource.WaitsFor.Where(d => d.State != ResourceState.Running))
        {
            throw new StartException($"{resource.Name} waits for {dependency.Name}, which is {dependency.State}");
        }

        foreach (var listening in resource.Endpoints)
        {
            EnsurePortFree(resource, listening);
        }

        resource.State = ResourceState.Starting;
        var environment = EnvironmentOf(resource);
        ResourceProcess process;
        try
        {
            process = ResourceProcess.Start(resource.Name, resource.Prepare(environment), environment, _console);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException)
        {
            resource.Cleanup();
            throw new StartException($"{resource.Name} could not be started: {ex.Message}");
        }

        bool healthy;
        try
        {
            healthy = resource.HealthPath is not { } path || resource.Endpoints.FirstOrDefault() is not { } endpoint ||
                      await HealthProbe.WaitHealthyAsync(endpoint, path, process, StartTimeout, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C while it starts: it is not in the started list yet, so stop it here.
            await process.StopAsync(StopGrace);
            resource.Cleanup();
            resource.State = ResourceState.Stopped;
            throw;
        }

        if (!healthy)
        {
            var endpoint = resource.Endpoints[0];
            var path = resource.HealthPath;
            await process.StopAsync(StopGrace);
            resource.Cleanup();
            resource.State = ResourceState.Exited;
            Report($"{resource.Name} did not become healthy at {endpoint.Url}{path} within {StartTimeout.TotalSeconds:0} s", process);
            throw new StartException($"{resource.Name} failed to start");
        }

        resource.State = ResourceState.Running;
        resource.Health = resource.HealthPath is null ? "unknown" : "healthy";
        Console.WriteLine($"apphost  | {resource.Name} is healthy");
        return process;
    }

    /// <summary>What Aspire would give the process: its own endpoints, its references', and where its telemetry goes.</summary>
    private Dictionary<string, string> EnvironmentOf(Resource resource)
    {
        var environment = new Dictionary<string, string>(resource.Environment)
        {
            ["OTEL_SERVICE_NAME"] = resource.Name,
            ["DOTNET_ENVIRONMENT"] = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production",
            // The dashboard's receiver, unless the user pointed telemetry at a backend of their own.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _externalOtlpEndpoint ?? _dashboard.OtlpUrl,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL") ?? "http/protobuf",
            // The receiver's API key, as Aspire hands its dashboard's to the services.
            ["OTEL_EXPORTER_OTLP_HEADERS"] = _externalOtlpEndpoint is null
                ? $"{DashboardAccess.OtlpHeader}={_dashboard.Access.OtlpApiKey}"
                : Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_HEADERS") ?? "",
            // Export every second, so a trace shows up while one still looks for it.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
        };
        foreach (var endpoint in resource.Endpoints)
        {
            environment[$"Kestrel__Endpoints__{endpoint.Name}__Url"] = endpoint.Url;
        }

        foreach (var reference in resource.References)
        {
            foreach (var endpoint in reference.Endpoints)
            {
                environment[$"services__{reference.Name}__{endpoint.Name}__0"] = endpoint.Url;
            }
        }

        return environment;
    }

    private static void EnsurePortFree(Resource resource, Endpoint endpoint)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, endpoint.Port);
            listener.Start();
            listener.Stop();
        }
        catch (SocketException)
        {
            throw new StartException($"{resource.Name}: port {endpoint.Port} on 127.0.0.1 is in use (is another instance running?)");
        }
    }

    private void PrintUrls(AppSecrets secrets)
    {
        Console.WriteLine("apphost  | everything is up:");
        foreach (var resource in _resources)
        {
            foreach (var endpoint in resource.Endpoints)
            {
                Console.WriteLine($"apphost  |   {resource.Name,-8} {endpoint.Name,-5} {endpoint.Url}");
            }
        }

        Console.WriteLine($"apphost  |   dashboard      {_dashboard.Access.LoginUrl(_dashboard.Url)}");
        Console.WriteLine(secrets.AdminKeyCreated
            ? $"apphost  |   admin key      {secrets.AdminKey} (new; shown this once, kept in {secrets.AdminKeyPath})"
            : $"apphost  |   admin key      in {secrets.AdminKeyPath}");
        Console.WriteLine(_externalOtlpEndpoint is null
            ? $"apphost  |   OTLP receiver  {_dashboard.OtlpUrl}"
            : $"apphost  |   telemetry to   {_externalOtlpEndpoint} (OTEL_EXPORTER_OTLP_ENDPOINT)");
        Console.WriteLine("apphost  | press Ctrl+C to stop");
    }

    private static void Report(string message, ResourceProcess process)
    {
        Console.Error.WriteLine($"apphost  | {message}; its last output:");
        foreach (var line in process.Tail())
        {
            Console.Error.WriteLine($"apphost  |   {line}");
        }
    }

}
