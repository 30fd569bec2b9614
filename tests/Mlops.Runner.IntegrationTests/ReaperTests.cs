extern alias runner;

using Docker.DotNet.Models;
using Labels = runner::Mlops.Runner.Labels;

namespace Mlops.Runner.IntegrationTests;

public sealed class ReaperTests
{
    [Fact]
    public async Task Start_RemovesContainersItsInstanceLeftBehind_AndNoOthers()
    {
        var instance = $"reaper-{Guid.NewGuid():N}"[..19];
        var first = await RunnerHost.StartAsync(instanceName: instance);
        string orphan, pooledOrphan, stranger;
        try
        {
            // What a crashed runner leaves: a container with its labels that nobody will remove.
            orphan = (await first.Docker.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = "mlops.local/debian:bookworm-slim",
                Cmd = ["true"],
                Labels = new Dictionary<string, string> { [Labels.Runner] = instance, [Labels.Invocation] = "orphan", [Labels.Function] = "echo" },
            })).ID;
            // A pooled container's owner is its slot: a dead runner's pool is as much an orphan.
            pooledOrphan = (await first.Docker.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = "mlops.local/debian:bookworm-slim",
                Cmd = ["true"],
                Labels = new Dictionary<string, string> { [Labels.Runner] = instance, [Labels.Pool] = "p0123456789ab", [Labels.Function] = "echo" },
            })).ID;
            stranger = (await first.Docker.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = "mlops.local/debian:bookworm-slim",
                Cmd = ["true"],
                Labels = new Dictionary<string, string> { [Labels.Runner] = instance + "-other", [Labels.Invocation] = "stranger", [Labels.Function] = "echo" },
            })).ID;
            await first.StopAsync();
        }
        catch
        {
            await first.DisposeAsync();
            throw;
        }

        await using var second = await RunnerHost.StartAsync(instanceName: instance, root: first.Root);
        try
        {
            var remaining = await second.Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true });
            Assert.DoesNotContain(remaining, c => c.ID == orphan);
            Assert.DoesNotContain(remaining, c => c.ID == pooledOrphan);
            Assert.Contains(remaining, c => c.ID == stranger);
        }
        finally
        {
            await second.Docker.Containers.RemoveContainerAsync(stranger, new ContainerRemoveParameters { Force = true });
        }
    }
}
