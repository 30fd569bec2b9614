using System.Net.Http;
using System.Net.Sockets;
using Docker.DotNet;
using Mlops.AppHost.Telemetry;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// The app's container resources on the Docker engine (DOCKER_HOST, else the default socket): what must
/// hold before anything starts, and each start. One client for the AppHost.
/// </summary>
internal sealed class ContainerRuntime(IDockerClient docker) : IDisposable
{
    public ContainerOwner Owner { get; } = ContainerOwner.Current();

    public string Endpoint => docker.Configuration.EndpointBaseUri.ToString();

    public static ContainerRuntime Create()
    {
        var endpoint = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";
        // No API version: the client then speaks the engine's own (asking for a newer one is a 400).
        return new ContainerRuntime(new DockerClientConfiguration(new Uri(endpoint)).CreateClient());
    }

    /// <summary>
    /// Before anything starts: removes what crashed AppHosts left, and makes sure every container resource's
    /// image is there (a <see cref="StartException"/> saying what to do when one is not). An app without
    /// containers does not need the engine here, so an engine that does not answer only gets a warning then.
    /// </summary>
    public async Task PrepareAsync(IReadOnlyList<Resource> resources, CancellationToken cancellationToken)
    {
        var containers = resources.OfType<ContainerResource>().ToList();
        try
        {
            await ContainerReaper.RemoveOrphansAsync(docker, Owner, cancellationToken);
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            if (containers.Count > 0)
            {
                throw new StartException($"the Docker engine at {Endpoint} does not answer ({ex.Message}); {string.Join(", ", containers.Select(c => c.Name))} run on it. Nothing was started.");
            }

            Console.Error.WriteLine($"apphost  | the Docker engine at {Endpoint} does not answer ({ex.Message}): containers left by a crashed AppHost were not looked for");
            return;
        }

        foreach (var container in containers)
        {
            await ContainerImages.EnsureAsync(docker, container, cancellationToken);
        }
    }

    public async Task<IResourceInstance> StartAsync(ContainerResource resource, ConsoleLog console, CancellationToken cancellationToken) =>
        await ContainerInstance.StartAsync(docker, resource, Owner, resource.Environment, console, cancellationToken);

    public void Dispose() => docker.Dispose();

    private static bool IsUnreachable(Exception ex) => ex is HttpRequestException or SocketException or IOException or TimeoutException;
}
