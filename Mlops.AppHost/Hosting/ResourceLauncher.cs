using System.ComponentModel;
using System.Net;
using System.Net.Sockets;
using Mlops.AppHost.Telemetry;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// Starts one run of a resource, the first and every restart alike: its ports must be free, what it needs is
/// prepared, and it counts as running only once its health check answers.
/// </summary>
internal sealed class ResourceLauncher(Dashboard dashboard, ConsoleLog console, string? externalOtlpEndpoint, ContainerRuntime containers)
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    /// <summary>Starts its process or container; a <see cref="StartException"/> when a port is taken or it cannot be started.</summary>
    public async Task<IResourceInstance> StartAsync(Resource resource, CancellationToken cancellationToken)
    {
        foreach (var listening in resource.Endpoints)
        {
            EnsurePortFree(resource, listening);
        }

        resource.State = ResourceState.Starting;
        if (resource is ContainerResource container)
        {
            // A container gets its own environment only: the URLs of the host's processes mean nothing inside it.
            return await containers.StartAsync(container, console, cancellationToken);
        }

        var process = resource as ProcessResource ?? throw new StartException($"{resource.Name}: the AppHost cannot run a {resource.GetType().Name}");
        var environment = EnvironmentOf(resource);
        try
        {
            return ResourceProcess.Start(resource.Name, process.Prepare(environment), environment, console);
        }
        catch (Exception ex) when (ex is Win32Exception or IOException)
        {
            resource.Cleanup();
            throw new StartException($"{resource.Name} could not be started: {ex.Message}");
        }
    }

    /// <summary>Marks it running once healthy; one that does not get there is stopped, reported, and a <see cref="StartException"/>.</summary>
    public async Task WaitHealthyAsync(Resource resource, IResourceInstance instance, CancellationToken cancellationToken)
    {
        bool healthy;
        try
        {
            healthy = resource.HealthPath is not { } path || resource.Endpoints.FirstOrDefault() is not { } endpoint ||
                      await HealthProbe.WaitHealthyAsync(endpoint, path, instance, StartTimeout, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C while it starts: whoever started it may not know of it yet, so stop it here.
            await instance.StopAsync(StopGrace, CancellationToken.None);
            resource.Cleanup();
            resource.State = ResourceState.Stopped;
            throw;
        }

        if (!healthy)
        {
            // Asked before stopping it, which makes every process one that has exited.
            var why = instance.HasExited
                ? $"exited with code {instance.ExitCode} before it became healthy"
                : $"did not become healthy at {resource.Endpoints[0].Url}{resource.HealthPath} within {StartTimeout.TotalSeconds:0} s";
            await instance.StopAsync(StopGrace, cancellationToken);
            resource.Cleanup();
            resource.State = ResourceState.Exited;
            instance.Report($"{resource.Name} {why}");
            throw new StartException($"{resource.Name} failed to start");
        }

        resource.State = ResourceState.Running;
        resource.Health = resource.HealthPath is null ? "unknown" : "healthy";
        Console.WriteLine($"apphost  | {resource.Name} is healthy");
    }

    /// <summary>What Aspire would give the process: its own endpoints, its references', and where its telemetry goes.</summary>
    private Dictionary<string, string> EnvironmentOf(Resource resource)
    {
        var environment = new Dictionary<string, string>(resource.Environment)
        {
            ["OTEL_SERVICE_NAME"] = resource.Name,
            ["DOTNET_ENVIRONMENT"] = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production",
            // The dashboard's receiver, unless the user pointed telemetry at a backend of their own.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = externalOtlpEndpoint ?? dashboard.OtlpUrl,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL") ?? "http/protobuf",
            // The receiver's API key, as Aspire hands its dashboard's to the services.
            ["OTEL_EXPORTER_OTLP_HEADERS"] = externalOtlpEndpoint is null
                ? $"{DashboardAccess.OtlpHeader}={dashboard.Access.OtlpApiKey}"
                : Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_HEADERS") ?? "",
            // Export every second, so a trace shows up while one still looks for it.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
            // Metrics every 2 s rather than the SDK's 60 s: a chart that moves while one watches it.
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "2000",
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

            foreach (var (variable, endpointName) in reference.ConnectionSettings)
            {
                environment[variable] = reference.Endpoints.Single(e => e.Name == endpointName).Url;
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
}
