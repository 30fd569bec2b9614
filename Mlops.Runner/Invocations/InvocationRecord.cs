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
}
