using Mlops.Runner.Containers;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Invocations;

/// <summary>How an invocation ended, and for any end but success, the error its caller gets.</summary>
public sealed record InvocationOutcome(InvocationStatus Status, RunnerException? Error)
{
    public static readonly InvocationOutcome Succeeded = new(InvocationStatus.Succeeded, null);

    /// <summary>128 + SIGXFSZ: the init process's exit when the function was stopped for writing past RLIMIT_FSIZE.</summary>
    private const int FileTooLarge = 128 + 25;

    /// <summary>128 + SIGKILL.</summary>
    private const int KilledBySigKill = 128 + 9;

    public static InvocationOutcome Cancelled => new(InvocationStatus.Cancelled, new RunnerException(ErrorKind.Cancelled, "the invocation was cancelled"));

    public static InvocationOutcome Failed(RunnerException error) => new(InvocationStatus.Failed, error);

    /// <summary>The verdict on a container that has ended: its exit, what it left in its output, and its last stderr line.</summary>
    public static InvocationOutcome Judge(FunctionManifest manifest, ContainerExit exit, FunctionOutput output, string? lastErrorLine, ContainerOptions limits) => exit.Reason switch
    {
        ExitReason.TimedOut => new(InvocationStatus.TimedOut, new RunnerException(ErrorKind.DeadlineExceeded,
            $"function '{manifest.Name}' did not finish within its timeout of {manifest.Timeout.TotalSeconds:0} s and was stopped")),
        ExitReason.OomKilled => new(InvocationStatus.OomKilled, new RunnerException(ErrorKind.ResourceExhausted,
            $"function '{manifest.Name}' ran out of memory (limit {manifest.MemoryMb} MB) and was stopped")),
        ExitReason.Cancelled => Cancelled,
        ExitReason.LogLimit => Failed(new RunnerException(ErrorKind.ResourceExhausted,
            $"function '{manifest.Name}' printed more than {limits.MaxLogMb} MB of logs and was stopped (Containers:MaxLogMb)")),
        ExitReason.OutputLimit => Failed(new RunnerException(ErrorKind.ResourceExhausted,
            $"function '{manifest.Name}' left more than {limits.MaxOutputMb} MB or {limits.MaxOutputFiles} files in /mlops/output and was stopped (Containers:MaxOutputMb, Containers:MaxOutputFiles)")),
        // Only the kernel kills a function's process so (the runner's own kills end as timeouts or cancels): the
        // engine does not always see the OOM kill of a process that is not the container's first.
        _ when exit.ExitCode == KilledBySigKill && output.Error is null => new(InvocationStatus.OomKilled, new RunnerException(ErrorKind.ResourceExhausted,
            $"function '{manifest.Name}' was killed by SIGKILL, not by the runner: most likely the kernel's, for running out of memory (limit {manifest.MemoryMb} MB)")),
        _ when exit.ExitCode == FileTooLarge => Failed(new RunnerException(ErrorKind.ResourceExhausted,
            $"function '{manifest.Name}' wrote a file larger than {limits.MaxOutputMb} MB and was stopped (Containers:MaxOutputMb)")),
        _ when output.Error is { } error => Failed(new RunnerException(error.Kind, error.Message)),
        _ when exit.ExitCode != 0 => Failed(new RunnerException(ErrorKind.FunctionFailed,
            $"function '{manifest.Name}' exited with code {exit.ExitCode}" + (lastErrorLine is null ? "" : $": {lastErrorLine}"))),
        _ => Succeeded,
    };
}
