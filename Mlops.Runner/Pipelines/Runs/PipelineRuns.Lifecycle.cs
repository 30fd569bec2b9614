using System.Diagnostics;
using System.Text.Json.Nodes;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Pipelines;

public sealed partial class PipelineRuns
{
    /// <summary>Resumes the runs left Pending or Running: their running steps end FAILED, and they go on from their own plan.</summary>
    internal async Task ResumeAsync(CancellationToken cancellationToken)
    {
        foreach (var left in _database.UnfinishedRuns().Where(run => !_live.ContainsKey(run.Record.Id)))
        {
            var id = left.Record.Id;
            var failed = _database.FailRunningSteps(id, _time.GetUtcNow(), StepErrorCodes.Of(ErrorKind.Unavailable), "the runner stopped");
            var stored = Stored(id);
            PipelineDefinition plan;
            try
            {
                plan = await _catalog.ParseAsync(stored.Record.Pipeline, stored.Plan, cancellationToken);
            }
            catch (RunnerException exception)
            {
                // Its functions changed under it (one is gone, a parameter no longer fits): it cannot go on.
                _logger.PipelineRunNotResumable(id, stored.Record.Pipeline, exception.Message);
                var ended = stored.Record with
                {
                    Status = PipelineRunStatus.Failed,
                    EndedAt = _time.GetUtcNow(),
                    ErrorCode = StepErrorCodes.Of(exception.Kind),
                    ErrorMessage = Bounded.Text($"the run cannot resume: {exception.Message}"),
                };
                _database.UpdateRun(ended);
                _watchers.Publish(ended);
                continue;
            }

            var record = stored.Record with
            {
                Resumes = stored.Record.Resumes + 1,
                Steps = plan.Steps.Select(step => stored.Record.Steps.FirstOrDefault(s => s.Step == step.Id) ?? StepRecords.Pending(step)).ToList(),
            };
            var parent = ActivityContext.TryParse(stored.TraceParent, null, out var context) ? context : default;
            var root = StartRoot(plan.Name, id, parent);
            _database.UpdateRun(record);
            var state = new RunState(record, plan, stored.Caller, _database, _watchers, _stopping.Token) { Lineage = stored.Lineage };
            foreach (var step in plan.Steps.Where(step => state.Current(step.Id).Status == StepStatus.Succeeded))
            {
                state.Succeeded(step.Id, StepRecords.Outputs(state.Current(step.Id), stored.Lineage, map: step.Map is not null));
            }

            state.Feed.Add(new PipelineRunAccepted(id, _time.GetUtcNow(), plan, Resumed: true));
            foreach (var ended in RunReplay.Steps(record))
            {
                state.Feed.Add(ended);
            }

            _logger.PipelineRunResumed(id, plan.Name, failed);
            Launch(state, root);
        }
    }

    /// <summary>Stops the live runs (they stay Running in the store, to resume) and waits for their steps to let go.</summary>
    internal async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_live.Values.Select(state => state.Completion)).WaitAsync(cancellationToken);
    }

    private async Task<RunState> BeginAsync(string? pipeline, JsonObject? inputs, bool noCache, Caller caller, CancellationToken cancellationToken)
    {
        var plan = await _catalog.GetAsync(pipeline, cancellationToken);
        var file = await _catalog.ReadFileAsync(plan.Name, cancellationToken);
        var bound = _catalog.BindInputs(plan, inputs);
        if (_stopping.IsCancellationRequested)
        {
            throw new RunnerException(ErrorKind.Unavailable, "the runner is stopping");
        }

        var id = Guid.CreateVersion7().ToString("N");
        var now = _time.GetUtcNow();
        var root = StartRoot(plan.Name, id, default);
        var record = new PipelineRunRecord(id, plan.Name, plan.Digest, PipelineRunStatus.Pending, bound, noCache,
            plan.Steps.Select(step => StepRecords.Pending(step)).ToList(), now, EndedAt: null, ErrorCode: null, ErrorMessage: null,
            TraceId: root?.TraceId.ToHexString(), Resumes: 0);
        _database.Prune(MaxEndedRuns, MaxCachedSteps);
        _database.InsertRun(record, file, root?.Id, caller);
        _watchers.Publish(record);
        var state = new RunState(record, plan, caller, _database, _watchers, _stopping.Token);
        state.Feed.Add(new PipelineRunAccepted(id, now, plan, Resumed: false));
        _logger.PipelineRunStarted(id, plan.Name);
        Launch(state, root);
        return state;
    }

    private void Launch(RunState state, Activity? root)
    {
        _live[state.Id] = state;
        _ = Task.Run(async () =>
        {
            try
            {
                await _engine.RunAsync(state, root);
            }
            catch (Exception exception)
            {
                // A bug or a store that fails: the run stays as the store last saw it (to resume), the cause goes to the log.
                _logger.PipelineRunCrashed(exception, state.Id);
                root.RecordError(exception.GetType().Name, exception);
            }
            finally
            {
                root?.Dispose();
                state.Feed.End();
                _live.TryRemove(state.Id, out _);
                state.Completed();
                state.Dispose();
            }
        }, CancellationToken.None);
    }
}
