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
    private static readonly TimeSpan HealthInterval = TimeSpan.FromSeconds(5);

    private readonly IReadOnlyList<Resource> _resources;
    private readonly Dashboard _dashboard;
    private readonly string? _externalOtlpEndpoint;
    private readonly string _dataPath;
    private readonly ResourceLauncher _launcher;

    internal DistributedApplication(IReadOnlyList<Resource> resources, Dashboard dashboard, ConsoleLog console, string? externalOtlpEndpoint, string dataPath)
    {
        _dataPath = dataPath;
        _resources = resources;
        _dashboard = dashboard;
        _externalOtlpEndpoint = externalOtlpEndpoint;
        _launcher = new ResourceLauncher(dashboard, console, externalOtlpEndpoint);
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
                process.Report($"{resource.Name} exited unexpectedly with code {process.ExitCode}; stopping everything");
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
                await process.StopAsync(ResourceLauncher.StopGrace);
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

        var process = _launcher.Start(resource);
        await _launcher.WaitHealthyAsync(resource, process, cancellationToken);
        return process;
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
}
