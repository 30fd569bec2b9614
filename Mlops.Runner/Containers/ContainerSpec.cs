using System.Diagnostics;

namespace Mlops.Runner.Containers;

/// <summary>
/// What to run in one function container. The runtime adds everything that makes it safe (see
/// <see cref="HardenedCreateParameters"/>); a spec cannot ask for less.
/// </summary>
/// <param name="Owner">The invocation (or, later, the replica) the container belongs to; it names and labels the container.</param>
/// <param name="Parent">The span the container's lifecycle spans belong under.</param>
public sealed record ContainerSpec(
    string Function,
    string Owner,
    string Image,
    IReadOnlyList<ContainerMount> Mounts,
    int MemoryMb,
    double Cpus,
    IReadOnlyDictionary<string, string> Environment,
    ActivityContext Parent = default)
{
    public const string InputMount = "/mlops/input";
    public const string OutputMount = "/mlops/output";

    public string Name => $"mlops-{Function}-{Owner}";

    /// <summary>Arguments after the image's entrypoint, in place of its CMD; the image's own when null.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>The label that names the owner: <see cref="Labels.Invocation"/>, or <see cref="Labels.Replica"/> for a replica.</summary>
    public string OwnerLabel { get; init; } = Labels.Invocation;

    /// <summary>More labels, e.g. the endpoint a replica serves.</summary>
    public IReadOnlyDictionary<string, string> ExtraLabels { get; init; } = new Dictionary<string, string>();
}

/// <summary>A host folder bound into the container; the only host paths a function ever sees.</summary>
public sealed record ContainerMount(string Source, string Target, bool ReadOnly);
