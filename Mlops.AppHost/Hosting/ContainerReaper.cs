using Docker.DotNet;
using Docker.DotNet.Models;

namespace Mlops.AppHost.Hosting;

/// <summary>Removes the containers of AppHosts that are gone (crashed or killed before they could stop them).</summary>
internal static class ContainerReaper
{
    public static async Task<int> RemoveOrphansAsync(IDockerClient docker, ContainerOwner current, CancellationToken cancellationToken)
    {
        var labelled = await docker.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [ContainerOwner.SessionLabel] = true } },
            },
            cancellationToken);
        var removed = 0;
        foreach (var container in labelled)
        {
            if (ContainerOwner.From(container.Labels) is { } owner && !owner.IsAliveOn(current.Host))
            {
                Console.WriteLine($"apphost  | removing {string.Join(",", container.Names).TrimStart('/')} ({container.ID[..12]}), left by an AppHost that is gone (process {owner.ProcessId})");
                await ContainerInstance.RemoveAsync(docker, container.ID, cancellationToken);
                removed++;
            }
        }

        return removed;
    }
}
