using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Images;
using Mlops.ServiceDefaults.Replicas;

namespace Mlops.Runner.Containers.Swarm;

/// <summary>
/// The way from the manager into the swarm's internal function network: one hardened container on the manager, on
/// the default bridge with its port published on 127.0.0.1 only, and attached to the overlay. It tunnels an HTTP
/// CONNECT to a replica's service name (edge.pl), so that the runner and the gateway reach replicas on any node,
/// while the replicas themselves reach nothing outside the overlay. Made at the first replica, removed when the runner stops.
/// </summary>
internal sealed class SwarmEdge(
    IDockerClient docker,
    IOptions<SwarmOptions> swarm,
    IOptions<ContainerOptions> containers,
    IOptions<ImageOptions> images,
    IOptions<RunnerOptions> runner,
    ILogger<SwarmEdge> logger) : IHostedService
{
    /// <summary>The port a replica task listens on, and the edge in its own container.</summary>
    public const int Port = 8080;

    public const string EdgeLabel = "mlops.edge";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly StopOnce _removal = new();
    private string? _address;

    private string Name => $"mlops-edge-{runner.Value.InstanceName}";

    /// <summary>host:port of the edge on the manager's loopback, made if it is not running yet.</summary>
    public async Task<string> AddressAsync(CancellationToken cancellationToken)
    {
        if (_address is { } known)
        {
            return known;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _address ??= await StartAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>How the runner and the gateway reach the replica task named <paramref name="service"/>.</summary>
    public string ReplicaAddress(string service) =>
        Mlops.ServiceDefaults.Replicas.ReplicaAddress.ThroughEdge(service, Port, _address ?? throw new InvalidOperationException("the edge has not started"));

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <remarks>
    /// The address stays known: a replica's view may still be asked for while the runner stops. The removal is made
    /// once and every caller waits for it: a host stopped twice at once must not dispose the Docker client under it.
    /// It is bounded by its own time, not the host's: an edge left running would hold a port for nobody.
    /// </remarks>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_address is null)
        {
            return Task.CompletedTask;
        }

        return _removal.RunAsync(RemoveOnceAsync);
    }

    private async Task RemoveOnceAsync()
    {
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await RemoveAsync(bounded.Token);
    }

    private async Task<string> StartAsync(CancellationToken cancellationToken)
    {
        // One left by a runner of this instance that died: replaced, its port may be taken by now.
        await RemoveAsync(cancellationToken);
        var options = containers.Value;
        var script = await ScriptAsync(cancellationToken);
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = Name,
            Image = images.Value.BaseImages.GetValueOrDefault("DEBIAN_IMAGE", "debian:bookworm-slim"),
            Cmd = ["perl", "-e", script],
            User = options.User,
            Labels = new Dictionary<string, string> { [EdgeLabel] = runner.Value.InstanceName },
            ExposedPorts = new Dictionary<string, EmptyStruct> { [$"{Port}/tcp"] = default },
            HostConfig = new HostConfig
            {
                NetworkMode = "bridge",
                PortBindings = new Dictionary<string, IList<PortBinding>> { [$"{Port}/tcp"] = [new PortBinding { HostIP = "127.0.0.1", HostPort = "" }] },
                ReadonlyRootfs = true,
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                Init = true,
                // A process per open tunnel.
                PidsLimit = 2048,
                Memory = 256L * 1024 * 1024,
                LogConfig = new LogConfig { Type = "json-file", Config = new Dictionary<string, string> { ["max-size"] = "10m", ["max-file"] = "1" } },
            },
        }, cancellationToken);
        await docker.Networks.ConnectNetworkAsync(swarm.Value.Network, new NetworkConnectParameters { Container = created.ID }, cancellationToken);
        await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
        var published = (await docker.Containers.InspectContainerAsync(created.ID, cancellationToken)).NetworkSettings.Ports[$"{Port}/tcp"][0];
        var address = $"127.0.0.1:{published.HostPort}";
        logger.EdgeStarted(Name, address, swarm.Value.Network);
        return address;
    }

    private async Task RemoveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await docker.Containers.RemoveContainerAsync(Name, new ContainerRemoveParameters { Force = true }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            // None: what removal is for.
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            // Its removal is under way already.
        }
    }

    private static async Task<string> ScriptAsync(CancellationToken cancellationToken)
    {
        await using var resource = typeof(SwarmEdge).Assembly.GetManifestResourceStream("Mlops.Runner.Swarm.edge.pl")
            ?? throw new InvalidOperationException("the edge's script is not in the runner's assembly");
        using var reader = new StreamReader(resource);
        return await reader.ReadToEndAsync(cancellationToken);
    }
}
