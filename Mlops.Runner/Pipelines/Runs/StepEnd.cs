using System.Diagnostics;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Pipelines;

/// <summary>How a step (or an item) ended.</summary>
/// <param name="Stopped">The runner stopped under it: nothing is recorded, the run resumes at the next start.</param>
internal sealed record StepEnd(StepStatus Status, StepOutputs? Outputs = null, string? ErrorCode = null, string? ErrorMessage = null, bool Stopped = false)
{
    public static readonly StepEnd RunnerStopped = new(StepStatus.Running, Stopped: true);

    /// <summary>Records a step's (or item's) end, tells the feed, and marks its span when it failed.</summary>
    public static StepEnd Write(RunState state, StepRunRecord record, StepStatus status, DateTimeOffset now, string? code = null, string? message = null)
    {
        var ended = StepRecords.Ended(record, status, now, code, message);
        state.Write(ended);
        state.Feed.Add(new StepCompleted(state.Id, now, ended) { Step = ended.Step, Item = ended.Item });
        if (status == StepStatus.Failed)
        {
            Activity.Current.RecordError(code ?? StepErrorCodes.Internal);
        }

        return new StepEnd(status, null, code, ended.ErrorMessage);
    }

    /// <summary>A bug in an executor, a template or here: the step fails (the run with it), the exception goes to the log, not to users.</summary>
    public static StepEnd Crashed(RunState state, StepRunRecord record, DateTimeOffset now, ILogger logger, Exception exception)
    {
        logger.PipelineStepCrashed(exception, state.Id, StepRecords.Name(record));
        return Write(state, record, StepStatus.Failed, now, StepErrorCodes.Internal, "the step failed unexpectedly; the runner's log has why");
    }

    /// <summary>The end of what the run's token interrupted: the user's cancel, or the runner stopping.</summary>
    public static StepEnd Interrupted(RunState state, StepRunRecord record, DateTimeOffset now) => state.CancelRequested
        ? Write(state, record, StepStatus.Cancelled, now, StepErrorCodes.Of(ErrorKind.Cancelled), "the run was cancelled")
        : RunnerStopped;
}
