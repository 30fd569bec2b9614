namespace Mlops.Runner.Containers;

/// <summary>Everything needed to run one invocation's container.</summary>
public sealed record RunSpec(
    string InvocationId,
    string Function,
    string Image,
    string InputDirectory,
    string OutputDirectory,
    int MemoryMb,
    double Cpus,
    TimeSpan Timeout,
    IReadOnlyDictionary<string, string> Environment)
{
    public const string InputMount = "/mlops/input";
    public const string OutputMount = "/mlops/output";
}

public enum ExitReason
{
    Exited,
    TimedOut,
    OomKilled,
    Cancelled,
}

public sealed record RunPhases(TimeSpan Create, TimeSpan Start, TimeSpan Run, TimeSpan Remove);

/// <param name="ExitCode">Null when the container was killed before it exited on its own.</param>
public sealed record RunOutcome(ExitReason Reason, int? ExitCode, string ContainerId, RunPhases Phases);

public enum OutputStream
{
    Stdout,
    Stderr,
}

/// <summary>What a running container reports while it runs.</summary>
public abstract record ContainerEvent;

public sealed record ContainerStartedEvent(string ContainerId) : ContainerEvent;

public sealed record ContainerLogEvent(OutputStream Stream, string Line, DateTimeOffset Time) : ContainerEvent;
