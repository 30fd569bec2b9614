using System.Reflection;
using System.Runtime.InteropServices;
using Mlops.AppHost.Telemetry;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// The app model, run: starts each resource once the resources it waits for are healthy, prints where
/// everything is, restarts a resource that dies (with backoff), and stops everything in reverse order on
/// Ctrl+C, SIGTERM or SIGHUP.
/// </summary>
public sealed class DistributedApplication
{
    private static readonly TimeSpan HealthInterval = TimeSpan.FromSeconds(5);

    private readonly IReadOnlyList<Resource> _resources;
    private readonly Dashboard _dashboard;
    private readonly string? _externalOtlpEndpoint;
    private readonly string _dataPath;
    private readonly ResourceLauncher _launcher;
    private readonly ContainerRuntime _containers;
    private readonly IReadOnlyList<string> _configurationErrors;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal DistributedApplication(IReadOnlyList<Resource> resources, Dashboard dashboard, ConsoleLog console, string? externalOtlpEndpoint, string dataPath, ContainerRuntime containers, IReadOnlyList<string> configurationErrors)
    {
        _configurationErrors = configurationErrors;
        _dataPath = dataPath;
        _resources = resources;
        _dashboard = dashboard;
        _externalOtlpEndpoint = externalOtlpEndpoint;
        _containers = containers;
        _launcher = new ResourceLauncher(dashboard, console, externalOtlpEndpoint, containers);
    }

    /// <summary>Completes once everything is up (never, when the start fails: the run then returns non-zero).</summary>
    internal Task Started => _started.Task;

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(args);

    /// <summary>The repository this AppHost was built from; project resources live under it.</summary>
    public static string RepositoryRoot { get; } = typeof(DistributedApplication).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    internal static string Configuration { get; } =
        typeof(DistributedApplication).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>
    /// Runs the app until Ctrl+C, SIGTERM, SIGHUP or <paramref name="cancellationToken"/>; with the argument
    /// "publish" (and --output DIR), writes it as docker-compose instead.
    /// </summary>
    public async Task<int> RunAsync(string[]? args = null, CancellationToken cancellationToken = default)
    {
        using var containers = _containers;
        if (_configurationErrors.Count > 0)
        {
            PrintFailure(string.Join(Environment.NewLine, _configurationErrors));
            return 1;
        }

        if (args is ["publish", ..])
        {
            var output = args.SkipWhile(a => a != "--output").Skip(1).FirstOrDefault() ?? "publish";
            return await Publishing.ComposePublisher.PublishAsync(_resources, output, cancellationToken);
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        // The children have sessions of their own, so a closed terminal hangs up on the AppHost alone.
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);

        try
        {
            // Before anything starts: a missing image stops the app here, with nothing to undo.
            await containers.PrepareAsync(_resources, stopping.Token);
        }
        catch (StartException ex)
        {
            PrintFailure(ex.Message);
            return 1;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return 0;
        }

        var supervisors = new List<ResourceSupervisor>();
        var exitCode = 0;
        try
        {
            // Only a run makes keys: publishing writes files for another machine.
            var secrets = AppSecrets.Ensure(_dataPath);
            await _dashboard.StartAsync(_resources, secrets.ServiceKey, stopping.Token);
            foreach (var resource in _resources)
            {
                var instance = await StartAsync(resource, stopping.Token);
                supervisors.Add(new ResourceSupervisor(resource, instance, _launcher, RestartBackoff.Default()));
            }

            PrintUrls(secrets);
            _started.TrySetResult();
            await WatchAsync(supervisors, stopping.Token);
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
            foreach (var supervisor in Enumerable.Reverse(supervisors))
            {
                exitCode = await StopAsync(supervisor) ? exitCode : 1;
                supervisor.Instance.Dispose();
                supervisor.Resource.Cleanup();
                supervisor.Resource.State = supervisor.Resource.State == ResourceState.Exited ? ResourceState.Exited : ResourceState.Stopped;
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

    /// <summary>Why the app did not start, every line of it marked as the AppHost's.</summary>
    private static void PrintFailure(string message)
    {
        foreach (var line in message.Split(Environment.NewLine))
        {
            Console.Error.WriteLine($"apphost  | {line}");
        }
    }

    /// <summary>Stops one resource; false, having said why, when the engine would not stop its container (the others are still stopped).</summary>
    private static async Task<bool> StopAsync(ResourceSupervisor supervisor)
    {
        try
        {
            await supervisor.Instance.StopAsync(ResourceLauncher.StopGrace, CancellationToken.None);
            return true;
        }
        catch (Exception ex) when (ex is Docker.DotNet.DockerApiException or HttpRequestException or IOException)
        {
            Console.Error.WriteLine($"apphost  | {supervisor.Resource.Name} could not be stopped: {ex.Message}");
            return false;
        }
    }

    /// <summary>
    /// Restarts whatever dies and keeps health current until the app stops. Each watcher returns only then,
    /// unless it failed: that stops the app, and its exception is not hidden.
    /// </summary>
    private async Task WatchAsync(IReadOnlyList<ResourceSupervisor> supervisors, CancellationToken stopping)
    {
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var watchers = supervisors.Select(s => s.SuperviseAsync(watching.Token)).Append(WatchHealthAsync(watching.Token)).ToList();
        await Task.WhenAny(watchers);
        await watching.CancelAsync();
        // Every supervisor is done before the app stops their processes: none starts one after that.
        await Task.WhenAll(watchers);
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
                    var healthy = await HealthProbe.IsHealthyAsync(resource.Endpoints[0], resource.HealthPath!, cancellationToken);
                    // It may have died while being asked: then its supervisor says what it is.
                    if (resource.State == ResourceState.Running)
                    {
                        resource.Health = healthy ? "healthy" : "unhealthy";
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task<IResourceInstance> StartAsync(Resource resource, CancellationToken cancellationToken)
    {
        resource.State = ResourceState.Waiting;
        foreach (var dependency in resource.WaitsFor.Where(d => d.State != ResourceState.Running))
        {
            throw new StartException($"{resource.Name} waits for {dependency.Name}, which is {dependency.State}");
        }

        var instance = await _launcher.StartAsync(resource, cancellationToken);
        await _launcher.WaitHealthyAsync(resource, instance, cancellationToken);
        return instance;
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
