using Mlops.Runner.Containers;

namespace Mlops.Runner.Pipelines;

/// <summary>What a run's event feed says, in order; <see cref="Step"/> and <see cref="Item"/> name what a step event is about.</summary>
public abstract record PipelineEvent(string RunId, DateTimeOffset Time)
{
    public string? Step { get; init; }

    public int? Item { get; init; }
}

/// <param name="Resumed">Accepted before a runner restart, going on now.</param>
public sealed record PipelineRunAccepted(string RunId, DateTimeOffset Time, PipelineDefinition Plan, bool Resumed) : PipelineEvent(RunId, Time);

public sealed record StepQueued(string RunId, DateTimeOffset Time) : PipelineEvent(RunId, Time);

public sealed record StepStarted(string RunId, DateTimeOffset Time, string CacheKey, int Attempt, string? InvocationId) : PipelineEvent(RunId, Time);

public sealed record StepLog(string RunId, DateTimeOffset Time, OutputStream Stream, string Line) : PipelineEvent(RunId, Time);

public sealed record StepCached(string RunId, DateTimeOffset Time, string CacheKey, string SourceRun) : PipelineEvent(RunId, Time);

/// <summary>A step (or an item) ended: succeeded (maybe from the cache), failed, skipped or cancelled.</summary>
public sealed record StepCompleted(string RunId, DateTimeOffset Time, StepRunRecord Record) : PipelineEvent(RunId, Time);

public sealed record PipelineRunCompleted(string RunId, DateTimeOffset Time, PipelineRunRecord Record) : PipelineEvent(RunId, Time);
