using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Grpc;

/// <summary>The run engine as the gRPC service sees it: answers what a test sets, records what it was asked.</summary>
internal sealed class FakePipelineRuns : IPipelineRuns
{
    public IReadOnlyList<PipelineEntry> Entries { get; set; } = [];

    public IReadOnlyList<PipelineEvent> Events { get; set; } = [];

    /// <summary>Thrown after <see cref="Events"/>, as the engine ends a failed run's feed.</summary>
    public RunnerException? FailureAfterEvents { get; set; }

    public IReadOnlyList<PipelineRunRecord> Runs { get; set; } = [];

    /// <summary>What the last run, list or cancel was asked with.</summary>
    public (string? Pipeline, JsonObject? Inputs, bool NoCache, Caller? Caller, int Max) Asked { get; private set; }

    public Task<IReadOnlyList<PipelineEntry>> ListPipelinesAsync(CancellationToken cancellationToken) => Task.FromResult(Entries);

    public Task<PipelineDefinition> GetPipelineAsync(string? name, CancellationToken cancellationToken) =>
        Task.FromResult(Entries.FirstOrDefault(entry => entry.Name == name)?.Definition ?? throw RunnerException.NotFound($"there is no pipeline '{name}'"));

    public async IAsyncEnumerable<PipelineEvent> RunAsync(string? pipeline, JsonObject? inputs, bool noCache, Caller caller, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Asked = (pipeline, inputs, noCache, caller, 0);
        await foreach (var item in WatchRunAsync(pipeline, cancellationToken))
        {
            yield return item;
        }
    }

    public Task<string> StartAsync(string? pipeline, JsonObject? inputs, bool noCache, Caller caller, CancellationToken cancellationToken)
    {
        Asked = (pipeline, inputs, noCache, caller, 0);
        return Task.FromResult("run-1");
    }

    public Task<PipelineRunRecord> GetRunAsync(string? id, CancellationToken cancellationToken) =>
        Task.FromResult(Runs.FirstOrDefault(run => run.Id == id) ?? throw RunnerException.NotFound($"there is no pipeline run '{id}'"));

    public Task<IReadOnlyList<PipelineRunRecord>> ListRunsAsync(string? pipeline, int max, CancellationToken cancellationToken)
    {
        Asked = (pipeline, null, false, null, max);
        return Task.FromResult(Runs);
    }

    public async IAsyncEnumerable<PipelineEvent> WatchRunAsync(string? id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var item in Events)
        {
            await Task.Yield();
            yield return item;
        }

        if (FailureAfterEvents is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>The runs, then nothing until the watcher leaves (or the runner stops).</summary>
    public async IAsyncEnumerable<PipelineRunRecord> WatchRunsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var run in Runs)
        {
            yield return run;
        }

        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    public Task<PipelineRunRecord> CancelAsync(string? id, Caller caller, CancellationToken cancellationToken)
    {
        Asked = (id, null, false, caller, 0);
        return GetRunAsync(id, cancellationToken);
    }
}
