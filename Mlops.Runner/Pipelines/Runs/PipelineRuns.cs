using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// The run engine: starts runs of the catalog's pipelines, keeps them in data/pipelines/runs.db as they go, feeds
/// their events, and resumes the unfinished ones when the runner starts again. A run belongs to the runner: leaving
/// a stream never stops it; the runner stopping leaves it to resume.
/// </summary>
public sealed partial class PipelineRuns : IPipelineRuns, IDisposable
{
    internal const int MaxEndedRuns = 500;
    internal const int MaxCachedSteps = 20_000;
    internal const int WatchedEndedRuns = 20;
    private const int DefaultListSize = 50;
    private const int MaxListSize = 1_000;

    private readonly IPipelineCatalog _catalog;
    private readonly RunDatabase _database;
    private readonly RunWatchers _watchers = new();
    private readonly WorkRunner _work;
    private readonly RunEngine _engine;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, RunState> _live = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    public PipelineRuns(IPipelineCatalog catalog, IStepExecutor executor, IArtifactStore artifacts, IOptions<RunnerOptions> options, TimeProvider time, ILogger<PipelineRuns> logger)
    {
        (_catalog, _time, _logger) = (catalog, time, logger);
        _database = new RunDatabase(Path.Combine(options.Value.DataPath, "pipelines", "runs.db"));
        _work = new WorkRunner(executor, artifacts, _database, time, logger);
        _engine = new RunEngine(new StepRunner(_work, time, logger), time, logger);
    }

    /// <summary>The wait before a step's attempt n+1 is n times this.</summary>
    internal TimeSpan RetryBackoff
    {
        get => _work.RetryBackoff;
        init => _work.RetryBackoff = value;
    }

    public Task<IReadOnlyList<PipelineEntry>> ListPipelinesAsync(CancellationToken cancellationToken) => _catalog.ListAsync(cancellationToken);

    public Task<PipelineDefinition> GetPipelineAsync(string? name, CancellationToken cancellationToken) => _catalog.GetAsync(name, cancellationToken);

    public async IAsyncEnumerable<PipelineEvent> RunAsync(string? pipeline, JsonObject? inputs, bool noCache, Caller caller, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var state = await BeginAsync(pipeline, inputs, noCache, caller, cancellationToken);
        PipelineRunCompleted? completed = null;
        await foreach (var item in state.Feed.ReadAsync(cancellationToken))
        {
            completed = item as PipelineRunCompleted ?? completed;
            yield return item;
        }

        var run = completed?.Record
            ?? throw new RunnerException(ErrorKind.Unavailable, $"pipeline run {state.Id} stopped before its end; it goes on when the runner starts again");
        if (run.Status != PipelineRunStatus.Succeeded)
        {
            throw new RunnerException(StepErrorCodes.KindOf(run.ErrorCode), $"pipeline run {run.Id} {run.Status.ToString().ToLowerInvariant()}: {run.ErrorMessage}");
        }
    }

    public async Task<string> StartAsync(string? pipeline, JsonObject? inputs, bool noCache, Caller caller, CancellationToken cancellationToken) =>
        (await BeginAsync(pipeline, inputs, noCache, caller, cancellationToken)).Id;

    public Task<PipelineRunRecord> GetRunAsync(string? id, CancellationToken cancellationToken)
    {
        var runId = CheckId(id);
        return Task.FromResult(_live.TryGetValue(runId, out var state) ? state.Snapshot() : Stored(runId).Record);
    }

    public Task<IReadOnlyList<PipelineRunRecord>> ListRunsAsync(string? pipeline, int max, CancellationToken cancellationToken)
    {
        var limit = max <= 0 ? DefaultListSize : Math.Min(max, MaxListSize);
        return Task.FromResult<IReadOnlyList<PipelineRunRecord>>(_database.ListRuns(pipeline, limit).Select(run => run.Record).ToList());
    }

    public async IAsyncEnumerable<PipelineEvent> WatchRunAsync(string? id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var runId = CheckId(id);
        if (_live.TryGetValue(runId, out var state))
        {
            await foreach (var item in state.Feed.ReadAsync(cancellationToken))
            {
                yield return item;
            }

            yield break;
        }

        // Ended (or left by a runner that stopped): its record told again; its logs are in its invocations'.
        var stored = Stored(runId);
        var plan = await _catalog.ParseAsync(stored.Record.Pipeline, stored.Plan, cancellationToken);
        foreach (var item in RunReplay.Events(stored.Record, plan))
        {
            yield return item;
        }
    }

    public async IAsyncEnumerable<PipelineRunRecord> WatchRunsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Subscribed before the snapshot: a change between the two comes twice rather than never.
        var channel = _watchers.Subscribe();
        try
        {
            foreach (var run in _database.UnfinishedRuns().Concat(_database.EndedRuns(WatchedEndedRuns)))
            {
                yield return _live.TryGetValue(run.Record.Id, out var state) ? state.Snapshot() : run.Record;
            }

            await foreach (var record in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return record;
            }
        }
        finally
        {
            _watchers.Unsubscribe(channel);
        }
    }

    public async Task<PipelineRunRecord> CancelAsync(string? id, Caller caller, CancellationToken cancellationToken)
    {
        var runId = CheckId(id);
        if (_live.TryGetValue(runId, out var state))
        {
            Authorize(state.Caller, caller);
            state.Cancel();
            await state.Completion.WaitAsync(cancellationToken);
            return Stored(runId).Record;
        }

        var stored = Stored(runId);
        Authorize(stored.Caller, caller);
        if (stored.Record.IsEnded)
        {
            return stored.Record;
        }

        // Left unfinished by a runner that stopped and not resumed: it ends here.
        var cancelled = stored.Record with
        {
            Status = PipelineRunStatus.Cancelled,
            EndedAt = _time.GetUtcNow(),
            ErrorCode = StepErrorCodes.Of(ErrorKind.Cancelled),
            ErrorMessage = "the run was cancelled",
        };
        _database.UpdateRun(cancelled);
        _watchers.Publish(cancelled);
        return cancelled;
    }

    /// <remarks>
    /// Cancels rather than disposes the token source, as BackgroundService does: the host can be stopped twice at once
    /// (app.Run's own stop-then-dispose racing a test host's stop), so a StopAsync may come after this.
    /// </remarks>
    public void Dispose() => _stopping.Cancel();

    private static void Authorize(Caller owner, Caller caller)
    {
        if (!caller.IsAdmin && owner.KeyId != caller.KeyId)
        {
            throw new RunnerException(ErrorKind.PermissionDenied, "the pipeline run was started with another key");
        }
    }

    private static string CheckId(string? id) =>
        id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower) ? id : throw RunnerException.InvalidArgument("id", "is not a pipeline run id (32 lowercase hex digits)");

    private StoredRun Stored(string id) => _database.GetRun(id) ?? throw RunnerException.NotFound($"pipeline run {id} not found");

    /// <summary>The run's root span: a trace of its own (not the caller's request's), or the trace it began in when it resumes.</summary>
    private static Activity? StartRoot(string pipeline, string runId, ActivityContext parent)
    {
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            var root = RunnerTelemetry.Source.StartActivity($"pipeline {pipeline}", ActivityKind.Internal, parent);
            root?.SetTag(RunnerTelemetry.Pipeline, pipeline);
            root?.SetTag(RunnerTelemetry.PipelineRun, runId);
            return root;
        }
        finally
        {
            Activity.Current = previous;
        }
    }
}
