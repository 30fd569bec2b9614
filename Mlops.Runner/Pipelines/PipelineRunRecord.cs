using System.Text.Json.Nodes;

namespace Mlops.Runner.Pipelines;

public enum PipelineRunStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

public enum StepStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Skipped,
    Cancelled,
}

/// <summary>One run as kept in data/pipelines/runs.db.</summary>
/// <param name="Steps">Every step of the plan, in plan order.</param>
/// <param name="ErrorCode">A gRPC status code name (FAILED_PRECONDITION, ...) when Failed or Cancelled.</param>
/// <param name="TraceId">The W3C trace id of the run's trace.</param>
/// <param name="Resumes">How many times the run was resumed after a runner restart.</param>
public sealed record PipelineRunRecord(
    string Id,
    string Pipeline,
    string PipelineDigest,
    PipelineRunStatus Status,
    JsonObject Inputs,
    bool NoCache,
    IReadOnlyList<StepRunRecord> Steps,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EndedAt,
    string? ErrorCode,
    string? ErrorMessage,
    string? TraceId,
    int Resumes)
{
    public bool IsEnded => Status is PipelineRunStatus.Succeeded or PipelineRunStatus.Failed or PipelineRunStatus.Cancelled;
}

/// <summary>One step of a run, or one item of a map step (<see cref="Item"/> set).</summary>
/// <param name="CacheKey">"sha256:&lt;hex&gt;", once known (at the step's start).</param>
/// <param name="CacheSourceRun">For a cache hit: the run whose step produced it.</param>
/// <param name="Result">A function step's result.json; an action's output.</param>
/// <param name="Artifacts">Output artifact name -> digest.</param>
/// <param name="InputArtifacts">Input artifact name -> digest.</param>
/// <param name="Items">A map step's items, in list order; empty otherwise.</param>
public sealed record StepRunRecord(
    string Step,
    int? Item,
    JsonNode? ItemValue,
    string? Function,
    string? Action,
    StepStatus Status,
    string? CacheKey,
    bool CacheHit,
    string? CacheSourceRun,
    string? InvocationId,
    int Attempts,
    JsonObject? Parameters,
    JsonObject? Result,
    IReadOnlyDictionary<string, string> Artifacts,
    IReadOnlyDictionary<string, string> InputArtifacts,
    string? ErrorCode,
    string? ErrorMessage,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    IReadOnlyList<StepRunRecord> Items);
