namespace Mlops.Runner.Invocations;

public enum InvocationStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
    TimedOut,
    OomKilled,
    Cancelled,
}

public sealed record InvocationPhases(
    TimeSpan Queue,
    TimeSpan Image,
    TimeSpan Create,
    TimeSpan Start,
    TimeSpan Run,
    TimeSpan Remove,
    TimeSpan Total)
{
    public static readonly InvocationPhases Zero = new(default, default, default, default, default, default, default);

    /// <summary>For a pooled invocation: staging its input in the waiting container and handing it over (create, start and remove are 0).</summary>
    public TimeSpan Handover { get; init; }
}

/// <summary>One invocation as history keeps it.</summary>
public sealed record InvocationRecord(
    string Id,
    string Function,
    InvocationStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EndedAt,
    string? Image,
    int? ExitCode,
    InvocationPhases Phases,
    InvocationResult? Result,
    ErrorKind? ErrorKind,
    string? ErrorMessage,
    string LogPath)
{
    public bool IsFinished => EndedAt is not null;

    /// <summary>Whether a pre-started container of the function's pool ran it (a warm start).</summary>
    public bool Pooled { get; init; }
}
