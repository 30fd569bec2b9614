using System.Diagnostics;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// Runs a run's steps in dependency order: each starts when every step it depends on has succeeded (independent ones
/// at once) or is skipped when one of them was; the first failure stops new starts (running steps finish, the rest
/// end CANCELLED). A runner that stops leaves the run Running in the store, to resume.
/// </summary>
internal sealed class RunEngine(StepRunner steps, TimeProvider time, ILogger logger)
{
    /// <param name="root">The run's span: every step's hangs under it.</param>
    public async Task RunAsync(RunState state, Activity? root)
    {
        Activity.Current = root;
        var token = state.Token;
        var pending = state.Plan.Steps.Where(step => state.Current(step.Id).Status is not (StepStatus.Succeeded or StepStatus.Skipped)).ToList();
        foreach (var step in pending)
        {
            // A resumed run's failed steps run again; a map step's items that succeeded stay in its record.
            state.Write(StepRecords.Pending(step) with { Items = state.Current(step.Id).Items });
        }

        state.WriteRun(run => run with { Status = PipelineRunStatus.Running });
        // What this loop has taken in, not what the records say: a step's record may show it succeeded before its outputs are in the scope.
        var settled = state.Plan.Steps.Where(step => !pending.Contains(step)).ToDictionary(step => step.Id, step => state.Current(step.Id).Status);
        var running = new Dictionary<Task<StepEnd>, StepDefinition>();
        (StepDefinition Step, StepEnd End)? failure = null;
        var stopped = false;
        while (true)
        {
            if (failure is null && !token.IsCancellationRequested)
            {
                StartReady(state, pending, settled, running, token);
            }

            if (running.Count == 0)
            {
                break;
            }

            await Task.WhenAny(running.Keys);
            // Every step that has ended counts before the next start: a failure beside a success starts nothing.
            foreach (var (done, step) in running.Where(pair => pair.Key.IsCompleted).ToList())
            {
                running.Remove(done);
                var end = await done;
                stopped |= end.Stopped;
                settled[step.Id] = end.Status;
                if (end.Status == StepStatus.Succeeded)
                {
                    state.Succeeded(step.Id, end.Outputs!);
                }
                else if (end.Status == StepStatus.Failed && failure is null)
                {
                    failure = (step, end);
                    EndAll(state, pending, "an upstream step failed");
                }
            }
        }

        if (state.CancelRequested)
        {
            EndAll(state, pending, "the run was cancelled");
            End(state, root, PipelineRunStatus.Cancelled, StepErrorCodes.Of(ErrorKind.Cancelled), "the run was cancelled");
        }
        else if (stopped || token.IsCancellationRequested)
        {
            logger.PipelineRunStopped(state.Id);
        }
        else if (failure is { } failed)
        {
            End(state, root, PipelineRunStatus.Failed, failed.End.ErrorCode, $"step {failed.Step.Id} failed: {failed.End.ErrorMessage}");
        }
        else
        {
            End(state, root, PipelineRunStatus.Succeeded, null, null);
        }
    }

    private void StartReady(RunState state, List<StepDefinition> pending, Dictionary<string, StepStatus> settled, Dictionary<Task<StepEnd>, StepDefinition> running, CancellationToken token)
    {
        // Skipping one step may settle the next: look again until nothing changes.
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var step in pending.ToList())
            {
                var before = step.DependsOn.Select(id => settled.GetValueOrDefault(id, StepStatus.Pending)).ToList();
                if (before.Any(status => status is not (StepStatus.Succeeded or StepStatus.Skipped)))
                {
                    continue;
                }

                pending.Remove(step);
                changed = true;
                if (before.Contains(StepStatus.Skipped))
                {
                    settled[step.Id] = StepEnd.Write(state, state.Current(step.Id), StepStatus.Skipped, time.GetUtcNow(), message: "a step it depends on was skipped").Status;
                }
                else
                {
                    running.Add(steps.RunAsync(state, step, token), step);
                }
            }
        }
    }

    private void EndAll(RunState state, List<StepDefinition> pending, string why)
    {
        foreach (var step in pending)
        {
            StepEnd.Write(state, state.Current(step.Id), StepStatus.Cancelled, time.GetUtcNow(), StepErrorCodes.Of(ErrorKind.Cancelled), why);
        }

        pending.Clear();
    }

    private void End(RunState state, Activity? root, PipelineRunStatus status, string? code, string? message)
    {
        var now = time.GetUtcNow();
        state.WriteRun(run => run with { Status = status, EndedAt = now, ErrorCode = code, ErrorMessage = message is null ? null : Bounded.Text(message) });
        if (code is not null)
        {
            root.RecordError(code);
        }

        RunnerTelemetry.PipelineRuns.Add(1, new(RunnerTelemetry.Pipeline, state.Plan.Name), new(RunnerTelemetry.Outcome, status.ToString().ToLowerInvariant()));
        logger.PipelineRunEnded(state.Id, state.Plan.Name, status.ToString());
        state.Feed.Add(new PipelineRunCompleted(state.Id, now, state.Snapshot()));
    }
}
