using System.Text.Json.Nodes;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// The pipelines the runner knows and the runs it keeps: what the gRPC Pipelines service maps. Refusals are
/// <see cref="RunnerException"/>s: InvalidArgument naming the step and field (a file or inputs that do not validate),
/// NotFound (no such pipeline or run). A run belongs to the runner once accepted: leaving a stream never stops it.
/// </summary>
public interface IPipelineRuns
{
    /// <summary>Every pipelines/&lt;name&gt;/pipeline.json, by name; one that does not validate carries its error instead of a plan.</summary>
    Task<IReadOnlyList<PipelineEntry>> ListPipelinesAsync(CancellationToken cancellationToken);

    Task<PipelineDefinition> GetPipelineAsync(string? name, CancellationToken cancellationToken);

    /// <summary>
    /// Validates and starts a run, then yields its events until <see cref="PipelineRunCompleted"/>; the run's own
    /// failure ends the enumeration with a <see cref="RunnerException"/> after that event (the failed step's code).
    /// </summary>
    IAsyncEnumerable<PipelineEvent> RunAsync(string? pipeline, JsonObject? inputs, bool noCache, Caller caller, CancellationToken cancellationToken);

    /// <summary>Validates and starts a run; answers its id once accepted.</summary>
    Task<string> StartAsync(string? pipeline, JsonObject? inputs, bool noCache, Caller caller, CancellationToken cancellationToken);

    Task<PipelineRunRecord> GetRunAsync(string? id, CancellationToken cancellationToken);

    /// <summary>Newest first; <paramref name="pipeline"/> null for all.</summary>
    Task<IReadOnlyList<PipelineRunRecord>> ListRunsAsync(string? pipeline, int max, CancellationToken cancellationToken);

    /// <summary>A run's events from its start (replayed), then live until <see cref="PipelineRunCompleted"/>.</summary>
    IAsyncEnumerable<PipelineEvent> WatchRunAsync(string? id, CancellationToken cancellationToken);

    /// <summary>Runs not yet ended and the latest ended ones, then each run again whenever it or one of its steps changes status.</summary>
    IAsyncEnumerable<PipelineRunRecord> WatchRunsAsync(CancellationToken cancellationToken);

    /// <summary>Stops a run and answers it once ended; an ended run is answered as it is.</summary>
    Task<PipelineRunRecord> CancelAsync(string? id, Caller caller, CancellationToken cancellationToken);
}

/// <param name="Definition">Null when the file does not validate; <paramref name="Error"/> says why.</param>
public sealed record PipelineEntry(string Name, PipelineDefinition? Definition, string? Error);
