using System.Diagnostics;
using Mlops.Runner.Containers;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Invocations;

/// <summary>What an invocation's container gets: its image, its two folders, its limits and its environment.</summary>
internal static class InvocationContainerSpec
{
    public static ContainerSpec For(LiveInvocation live, FunctionManifest manifest, string image, Workspace workspace)
    {
        var environment = new Dictionary<string, string>
        {
            ["MLOPS_INVOCATION_ID"] = live.Id,
            ["MLOPS_FUNCTION"] = manifest.Name,
            // The root filesystem is read-only; /tmp is the one writable place besides the output.
            ["HOME"] = "/tmp",
        };
        if (live.Activity is { IdFormat: ActivityIdFormat.W3C } activity)
        {
            environment["TRACEPARENT"] = activity.Id!;
        }

        ContainerMount[] mounts =
        [
            new(workspace.Input, ContainerSpec.InputMount, ReadOnly: true),
            new(workspace.Output, ContainerSpec.OutputMount, ReadOnly: false),
        ];
        return new ContainerSpec(manifest.Name, live.Id, image, mounts, manifest.MemoryMb, manifest.Cpus, environment, live.Activity?.Context ?? default);
    }
}
