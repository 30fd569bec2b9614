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

        return new ContainerSpec(manifest.Name, live.Id, image, Mounts(workspace), manifest.MemoryMb, manifest.Cpus, environment, live.Activity?.Context ?? default);
    }

    /// <summary>
    /// A pooled container's: the same image, folders and limits, labelled by its slot until an invocation claims
    /// it. Its invocation id and trace come with the hand-over, through the pipe named here.
    /// </summary>
    public static ContainerSpec ForPool(string slotId, FunctionManifest manifest, string image, Workspace workspace, string handover, ActivityContext parent)
    {
        var environment = new Dictionary<string, string>
        {
            ["MLOPS_FUNCTION"] = manifest.Name,
            ["HOME"] = "/tmp",
            ["MLOPS_HANDOVER"] = $"{ContainerSpec.InputMount}/{handover}",
        };
        return new ContainerSpec(manifest.Name, slotId, image, Mounts(workspace), manifest.MemoryMb, manifest.Cpus, environment, parent)
        {
            OwnerLabel = Labels.Pool,
        };
    }

    private static ContainerMount[] Mounts(Workspace workspace) =>
    [
        new(workspace.Input, ContainerSpec.InputMount, ReadOnly: true),
        new(workspace.Output, ContainerSpec.OutputMount, ReadOnly: false),
    ];
}
