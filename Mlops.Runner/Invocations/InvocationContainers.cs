using Microsoft.Extensions.Options;
using Mlops.Runner.Containers;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Invocations;

/// <summary>Starts each invocation's container on the runtime (hardened there): its image, its two folders, its environment.</summary>
public sealed class InvocationContainers(IFunctionRuntime runtime, IOptions<ContainerOptions> options, TimeProvider time)
{
    public async Task<InvocationContainer> StartAsync(LiveInvocation live, FunctionManifest manifest, Workspace workspace, CancellationToken cancellationToken)
    {
        var container = await runtime.CreateAsync(InvocationContainerSpec.For(live, manifest, live.Image.Tag, workspace), cancellationToken);
        try
        {
            await container.StartAsync(manifest.Timeout, cancellationToken);
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }

        return new InvocationContainer(container, live, workspace, options.Value, time);
    }
}
