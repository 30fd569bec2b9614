using System.ComponentModel.DataAnnotations;

namespace Mlops.Runner.Capacity;

/// <summary>
/// One budget for the machine's containers (invocations and replicas alike) and their memory, and what one key
/// may take of it. Zero for a machine limit means a default from the host.
/// </summary>
public sealed class CapacityOptions
{
    public const string SectionName = "Capacity";

    /// <summary>Containers that may exist at once; 0: eight per core, at least 16.</summary>
    [Range(0, 100_000)]
    public int MaxContainers { get; set; }

    /// <summary>What their memory limits may add up to, in MB; 0: 75% of the memory this process can see (its cgroup's, if lower).</summary>
    [Range(0, 100_000_000)]
    public int MaxMemoryMb { get; set; }

    /// <summary>Invocations one key may have at once: queued, running, detached (trainings) or asynchronous alike.</summary>
    [Range(1, 100_000)]
    public int InvocationsPerKey { get; set; } = 32;

    /// <summary>Endpoints one key may have created (admin keys are not counted).</summary>
    [Range(0, 10_000)]
    public int EndpointsPerKey { get; set; } = 8;

    /// <summary>Replicas one key's endpoints may scale to together, canaries included (admin keys are not counted).</summary>
    [Range(0, 100_000)]
    public int ReplicasPerKey { get; set; } = 16;

    public int ContainerLimit => MaxContainers > 0 ? MaxContainers : Math.Max(16, 8 * Environment.ProcessorCount);

    public long MemoryLimitMb => MaxMemoryMb > 0 ? MaxMemoryMb : HostMemoryBytes() * 3 / 4 / (1024 * 1024);

    /// <summary>The GC's view: the machine's memory, or the cgroup's limit when the process runs under one.</summary>
    private static long HostMemoryBytes() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
}
