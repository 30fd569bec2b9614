using Docker.DotNet;
using Docker.DotNet.Models;
using Mlops.Runner.Diagnostics;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Containers;

/// <summary>At start-up, removes the containers an earlier run of this runner instance left behind (a crash, a kill -9).</summary>
public sealed class OrphanReaper(IDockerClient docker, IOptions<RunnerOptions> options, ILogger<OrphanReaper> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var instance = options.Value.InstanceName;
        var version = await docker.System.GetVersionAsync(cancellationToken);
        logger.EngineConnected(version.Version, version.APIVersion, docker.Configuration.EndpointBaseUri.ToString());

        var orphans = await docker.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool> { [$"{Labels.Runner}={instance}"] = true },
                },
            },
            cancellationToken);

        foreach (var orphan in orphans)
        {
            try
            {
                await docker.Containers.RemoveContainerAsync(orphan.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken);
            }
            catch (DockerContainerNotFoundException)
            {
                // Gone already.
            }
            catch (DockerApiException ex)
            {
                // One stubborn container (say, removal already in progress) must not keep the runner down.
                logger.OrphanRemoveFailed(ex, orphan.ID);
            }
        }

        if (orphans.Count > 0)
        {
            logger.OrphansRemoved(orphans.Count, instance);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
