using System.Diagnostics;
using System.Text.Json.Nodes;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// Runs one step, or one item of a map step: resolves its references, keys it, answers it from the cache when it
/// may, else executes it with its retries and a timeout per attempt, and caches what it left the moment it succeeds.
/// </summary>
internal sealed class WorkRunner(IStepExecutor executor, IArtifactStore artifacts, RunDatabase database, TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan ActionTimeout = TimeSpan.FromSeconds(300);

    /// <summary>The wait before attempt n+1 is n times this.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <param name="slots">A map step's concurrency: the item waits for one.</param>
    public async Task<StepEnd> RunAsync(RunState state, StepDefinition step, int? item, SemaphoreSlim? slots, CancellationToken token)
    {
        using var own = item is null ? null : RunnerTelemetry.Source.StartActivity($"step {step.Id}[{item}]");
        var span = own ?? Activity.Current;
        var held = false;
        try
        {
            if (slots is not null)
            {
                await slots.WaitAsync(token);
                held = true;
            }

            if (item is not null)
            {
                state.Feed.Add(new StepQueued(state.Id, time.GetUtcNow()) { Step = step.Id, Item = item });
            }

            var scope = state.Scope(item is { } i ? state.Current(step.Id, i).ItemValue?.DeepClone() : null);
            var work = new StepWork(state.Id, state.Plan.Name, step, item, ResolveParameters(step, scope), ResolveArtifacts(step, scope), scope, state.Caller);
            state.Write(state.Current(step.Id, item) with { Parameters = (JsonObject)work.Parameters.DeepClone(), InputArtifacts = work.InputArtifacts, StartedAt = time.GetUtcNow() });
            var key = await executor.KeyAsync(work, token);
            span?.SetTag(RunnerTelemetry.StepCacheKey, key);
            state.Write(state.Current(step.Id, item) with { CacheKey = key });
            if (state.ReadsCache(step))
            {
                var hit = FromCache(state, work, key);
                span?.SetTag(RunnerTelemetry.StepCacheHit, hit is not null);
                RunnerTelemetry.PipelineCacheLookups.Add(1, new(RunnerTelemetry.Pipeline, state.Plan.Name), new(RunnerTelemetry.CacheHit, hit is not null));
                if (hit is not null)
                {
                    return hit;
                }
            }

            return await AttemptAsync(state, work, key, span, token);
        }
        catch (Exception exception) when (token.IsCancellationRequested && exception is OperationCanceledException or RunnerException)
        {
            return StepEnd.Interrupted(state, state.Current(step.Id, item), time.GetUtcNow());
        }
        catch (RunnerException exception)
        {
            return StepEnd.Write(state, state.Current(step.Id, item), StepStatus.Failed, time.GetUtcNow(), StepErrorCodes.Of(exception.Kind), exception.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return StepEnd.Crashed(state, state.Current(step.Id, item), time.GetUtcNow(), logger, exception);
        }
        finally
        {
            if (held)
            {
                slots!.Release();
            }
        }
    }

    private StepEnd? FromCache(RunState state, StepWork work, string key)
    {
        if (database.FindCached(key) is not { } cached || !artifacts.ContainsAll(cached.Outputs.Artifacts.Values))
        {
            return null;
        }

        var now = time.GetUtcNow();
        state.Feed.Add(new StepCached(state.Id, now, key, cached.SourceRun) { Step = work.Step.Id, Item = work.Item });
        var record = StepRecords.Ended(state.Current(work.Step.Id, work.Item), StepStatus.Succeeded, now) with
        {
            CacheHit = true,
            CacheSourceRun = cached.SourceRun,
            Result = (JsonObject)cached.Outputs.Result.DeepClone(),
            Artifacts = cached.Outputs.Artifacts,
        };
        state.Write(record, new StepLineage(cached.Outputs.Source, cached.Outputs.InputArtifacts));
        state.Feed.Add(new StepCompleted(state.Id, now, record) { Step = record.Step, Item = record.Item });
        return new StepEnd(StepStatus.Succeeded, cached.Outputs);
    }

    private async Task<StepEnd> AttemptAsync(RunState state, StepWork work, string key, Activity? span, CancellationToken token)
    {
        var started = time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            state.Write(state.Current(work.Step.Id, work.Item) with { Status = StepStatus.Running, Attempts = attempt });
            state.Feed.Add(new StepStarted(state.Id, time.GetUtcNow(), key, attempt, null) { Step = work.Step.Id, Item = work.Item });
            span?.SetTag(RunnerTelemetry.StepAttempts, attempt);
            try
            {
                var outputs = StepRecords.WithSource(await ExecuteAsync(state, work, token), work);
                var now = time.GetUtcNow();
                // Cached the moment it succeeds, whatever the run's switches and however the run ends.
                database.StoreCached(key, outputs, state.Id, now);
                var record = StepRecords.Ended(state.Current(work.Step.Id, work.Item), StepStatus.Succeeded, now) with
                {
                    Result = (JsonObject)outputs.Result.DeepClone(),
                    Artifacts = outputs.Artifacts,
                };
                state.Write(record, new StepLineage(outputs.Source, outputs.InputArtifacts));
                state.Feed.Add(new StepCompleted(state.Id, now, record) { Step = record.Step, Item = record.Item });
                RecordDuration(state, work, started, "success");
                return new StepEnd(StepStatus.Succeeded, outputs);
            }
            catch (RunnerException exception) when (!token.IsCancellationRequested && attempt <= work.Step.Retries && !StepErrorCodes.IsFinal(exception.Kind))
            {
                logger.PipelineStepRetrying(state.Id, work.Name, attempt, StepErrorCodes.Of(exception.Kind));
                await Task.Delay(RetryBackoff * attempt, time, token);
            }
            catch (RunnerException) when (!token.IsCancellationRequested)
            {
                RecordDuration(state, work, started, "failure");
                throw;
            }
        }
    }

    private async Task<StepOutputs> ExecuteAsync(RunState state, StepWork work, CancellationToken token)
    {
        var progress = new StepProgress(state, work.Step.Id, work.Item);
        var timeout = work.Step.Timeout ?? (work.Step.Kind == StepKind.Action ? ActionTimeout : (TimeSpan?)null);
        if (timeout is not { } bound)
        {
            return await executor.ExecuteAsync(work, progress, token);
        }

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(token);
        attempt.CancelAfter(bound);
        try
        {
            return await executor.ExecuteAsync(work, progress, attempt.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or RunnerException && attempt.IsCancellationRequested && !token.IsCancellationRequested)
        {
            throw new RunnerException(ErrorKind.DeadlineExceeded, $"step {work.Name} did not end within its timeout of {bound.TotalSeconds:0.###} s", inner: exception);
        }
    }

    private void RecordDuration(RunState state, StepWork work, long started, string outcome) =>
        RunnerTelemetry.PipelineStepDuration.Record(
            time.GetElapsedTime(started).TotalSeconds,
            new(RunnerTelemetry.Pipeline, state.Plan.Name), new(RunnerTelemetry.PipelineStep, work.Step.Id), new(RunnerTelemetry.Outcome, outcome));

    private static JsonObject ResolveParameters(StepDefinition step, RunScope scope)
    {
        var parameters = new JsonObject();
        foreach (var (name, template) in step.Parameters)
        {
            parameters[name] = template.Resolve(scope, $"steps.{step.Id}.parameters.{name}")?.DeepClone();
        }

        return parameters;
    }

    private static Dictionary<string, string> ResolveArtifacts(StepDefinition step, RunScope scope)
    {
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, template) in step.Artifacts)
        {
            var field = $"steps.{step.Id}.artifacts.{name}";
            inputs[name] = template.Resolve(scope, field) is JsonValue value && value.TryGetValue<string>(out var digest) && digest.StartsWith("sha256:", StringComparison.Ordinal)
                ? digest
                : throw RunnerException.InvalidArgument(field, "is not an artifact (expected \"${steps.<id>.artifacts.<name>}\")");
        }

        return inputs;
    }
}
