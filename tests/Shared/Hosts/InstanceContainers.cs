extern alias runner;

using Docker.DotNet;
using Docker.DotNet.Models;
using Labels = runner::Mlops.Runner.Labels;

namespace Mlops.Testing;

/// <summary>The containers a runner instance has on the engine: listed, waited for, and (past a failed test) removed.</summary>
public static class InstanceContainers
{
    public static async Task<IList<ContainerListResponse>> ListAsync(IDockerClient docker, string instance, string? invocationId = null)
    {
        var labels = new Dictionary<string, bool> { [$"{Labels.Runner}={instance}"] = true };
        if (invocationId is not null)
        {
            labels[$"{Labels.Invocation}={invocationId}"] = true;
        }

        return await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels },
        });
    }

    /// <summary>Polls until the instance has none; how many are left after <paramref name="timeout"/>.</summary>
    public static async Task<int> WaitForNoneAsync(IDockerClient docker, string instance, TimeSpan timeout, string? invocationId = null)
    {
        for (var deadline = DateTime.UtcNow + timeout; DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            if ((await ListAsync(docker, instance, invocationId)).Count == 0)
            {
                return 0;
            }
        }

        return (await ListAsync(docker, instance, invocationId)).Count;
    }

    /// <summary>Removes what an instance left (a test that failed half-way): the engine is shared with every other test.</summary>
    public static async Task RemoveAllAsync(IDockerClient docker, string instance)
    {
        foreach (var container in await ListAsync(docker, instance))
        {
            await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        }
    }
}
