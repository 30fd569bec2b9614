namespace Mlops.Runner.Functions;

/// <summary>A function as declared by functions/&lt;name&gt;/function.json.</summary>
public sealed record FunctionManifest(
    string Name,
    string Directory,
    string Description,
    IReadOnlyList<ParameterSpec> Parameters,
    TimeSpan Timeout,
    int MemoryMb,
    double Cpus,
    ModelUsage Model)
{
    public const string FileName = "function.json";

    /// <summary>How the same image runs as a long-lived replica behind an endpoint; null when it does not serve.</summary>
    public ServingSpec? Serving { get; init; }

    /// <summary>How many of its containers may be pre-started and wait for an invocation; null when it is never pooled.</summary>
    public PoolSpec? Pool { get; init; }
}

/// <summary>
/// A function's warm pool (the "pool" block of function.json): at most <paramref name="Max"/> containers started
/// ahead of their invocation, each serving exactly one; emptied after <paramref name="Idle"/> without a call.
/// </summary>
/// <param name="Idle">How long the pool is kept without an invocation; the runner's Pool:IdleSeconds when null.</param>
/// <param name="Startup">How long a pooled container may take to be ready for its hand-over.</param>
public sealed record PoolSpec(int Max, TimeSpan? Idle, TimeSpan Startup)
{
    public const int DefaultStartupSeconds = 60;
}

/// <summary>
/// A function's serving mode (the "serving" block of function.json): the arguments that start its image
/// as a replica, how many requests one replica takes at once, and how long it may take to become healthy.
/// </summary>
/// <param name="MemoryMb">The replica's memory limit; the function's own when null.</param>
public sealed record ServingSpec(IReadOnlyList<string> Args, int Concurrency, TimeSpan Startup, int? MemoryMb)
{
    public const int DefaultConcurrency = 16;
    public const int DefaultStartupSeconds = 60;
}

/// <summary>Whether the function reads a model from /mlops/input/model and/or writes one to /mlops/output/model.</summary>
public sealed record ModelUsage(bool Consumes, bool Produces, string? DefaultName)
{
    public static readonly ModelUsage None = new(false, false, null);
}

/// <summary>A folder under functions/ and either its manifest or why it could not be read.</summary>
public sealed record FunctionEntry(string Name, FunctionManifest? Manifest, string? Error);
