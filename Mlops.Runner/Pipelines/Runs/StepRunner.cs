using System.Text.Json.Nodes;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// Runs one step of a run under its span: its `when`, then the step itself, or a map step's items (each its own
/// work, at most the step's concurrency at once), ending the step by the share of its items that succeeded.
/// </summary>
internal sealed class StepRunner(WorkRunner work, TimeProvider time, ILogger logger)
{
    public async Task<StepEnd> RunAsync(RunState state, StepDefinition step, CancellationToken token)
    {
        using var span = RunnerTelemetry.Source.StartActivity($"step {step.Id}");
        span?.SetTag(RunnerTelemetry.PipelineStep, step.Id);
        try
        {
            var scope = state.Scope(null);
            if (step.When is { } when && !when.Evaluate(scope, $"steps.{step.Id}.when"))
            {
                return StepEnd.Write(state, state.Current(step.Id), StepStatus.Skipped, time.GetUtcNow(), message: $"its condition is false: {when}");
            }

            state.Feed.Add(new StepQueued(state.Id, time.GetUtcNow()) { Step = step.Id });
            return step.Map is null
                ? await work.RunAsync(state, step, item: null, slots: null, token)
                : await RunMapAsync(state, step, step.Map, scope, token);
        }
        catch (RunnerException) when (token.IsCancellationRequested)
        {
            return StepEnd.Interrupted(state, state.Current(step.Id), time.GetUtcNow());
        }
        catch (RunnerException exception)
        {
            return StepEnd.Write(state, state.Current(step.Id), StepStatus.Failed, time.GetUtcNow(), StepErrorCodes.Of(exception.Kind), exception.Message);
        }
        catch (Exception exception) when (exception is not (OperationCanceledException or RunnerException))
        {
            return StepEnd.Crashed(state, state.Current(step.Id), time.GetUtcNow(), logger, exception);
        }
    }

    private async Task<StepEnd> RunMapAsync(RunState state, StepDefinition step, MapSpec map, RunScope scope, CancellationToken token)
    {
        var field = $"steps.{step.Id}.map.over";
        if (map.Over.Resolve(scope, field) is not JsonArray list)
        {
            throw RunnerException.InvalidArgument(field, $"is not a list ({map.Over})");
        }

        // A resumed run keeps the items that succeeded before the restart (same element, same place).
        var before = state.Current(step.Id).Items;
        var items = list.Select((value, i) => i < before.Count && before[i].Status == StepStatus.Succeeded && JsonNode.DeepEquals(before[i].ItemValue, value)
            ? before[i]
            : StepRecords.Pending(step, i, value?.DeepClone())).ToList();
        state.Write(state.Current(step.Id) with { Status = StepStatus.Running, StartedAt = time.GetUtcNow(), Attempts = 1 });
        state.WriteItems(step.Id, items);

        using var slots = new SemaphoreSlim(Math.Max(1, map.Concurrency));
        var ends = await Task.WhenAll(items.Select(item => item.Status == StepStatus.Succeeded
            ? Task.FromResult(new StepEnd(StepStatus.Succeeded, StepRecords.Outputs(item, state.Lineage)))
            : work.RunAsync(state, step, item.Item, slots, token)));

        var now = time.GetUtcNow();
        if (ends.Any(end => end.Stopped))
        {
            return StepEnd.RunnerStopped;
        }

        if (token.IsCancellationRequested)
        {
            return StepEnd.Interrupted(state, state.Current(step.Id), now);
        }

        var succeeded = ends.Count(end => end.Status == StepStatus.Succeeded);
        if (list.Count > 0 && succeeded < map.MinSuccessRatio * list.Count - 1e-9)
        {
            var (failed, index) = ends.Select((end, i) => (end, i)).First(pair => pair.end.Status != StepStatus.Succeeded);
            return StepEnd.Write(state, state.Current(step.Id), StepStatus.Failed, now, failed.ErrorCode,
                $"{succeeded} of {list.Count} items succeeded, {map.MinSuccessRatio:0.##} of them needed; {step.Id}[{index}]: {failed.ErrorMessage}");
        }

        var outputs = new StepOutputs(new JsonObject(), new Dictionary<string, string>(), ends.Select(end => end.Outputs).ToList()) { Source = step.Id };
        var record = StepRecords.Ended(WithItemsCache(state.Current(step.Id)), StepStatus.Succeeded, now);
        state.Write(record);
        state.Feed.Add(new StepCompleted(state.Id, now, record) { Step = step.Id });
        return new StepEnd(StepStatus.Succeeded, outputs);
    }

    /// <summary>
    /// A map step's own key is its items' keys in order; it is a hit when every item was, from the one run they all
    /// came from (or none, when they came from several).
    /// </summary>
    private static StepRunRecord WithItemsCache(StepRunRecord step)
    {
        if (step.Items.Count == 0 || step.Items.Any(item => item.CacheKey is null))
        {
            return step;
        }

        var keys = new JsonObject { ["items"] = new JsonArray(step.Items.Select(item => (JsonNode?)JsonValue.Create(item.CacheKey)).ToArray()) };
        var hit = step.Items.All(item => item.CacheHit);
        var sources = step.Items.Select(item => item.CacheSourceRun).Distinct().ToList();
        return step with
        {
            CacheKey = CacheKey.Compute("map:" + step.Step, keys, new Dictionary<string, string>()),
            CacheHit = hit,
            CacheSourceRun = hit && sources.Count == 1 ? sources[0] : null,
        };
    }
}
