namespace Mlops.Runner.Containers;

public enum ExitReason
{
    Exited,
    TimedOut,
    OomKilled,
    Cancelled,
    /// <summary>Stopped by the runner: it printed more than its log may hold.</summary>
    LogLimit,
    /// <summary>Stopped by the runner: it left more in its output folder than it may.</summary>
    OutputLimit,
}

/// <param name="ExitCode">Null when the container was killed before it exited on its own.</param>
public sealed record ContainerExit(ExitReason Reason, int? ExitCode);

/// <summary>What the engine reports about a container that has stopped.</summary>
/// <param name="Node">The cluster node it ran on; null on a single engine.</param>
public sealed record ContainerState(long ExitCode, bool OomKilled, string? Node = null);

/// <summary>How long each step of a container's life took; zero for the steps it has not reached.</summary>
public sealed record ContainerTimings(TimeSpan Create, TimeSpan Start, TimeSpan Run, TimeSpan Remove)
{
    public static readonly ContainerTimings Zero = new(default, default, default, default);
}

public enum OutputStream
{
    Stdout,
    Stderr,
}

public sealed record ContainerLogLine(OutputStream Stream, string Line, DateTimeOffset Time);
