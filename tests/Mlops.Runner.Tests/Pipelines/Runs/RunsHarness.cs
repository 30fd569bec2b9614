using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Runs;

/// <summary>The real run engine and store in a temp folder, with fakes at its seams (catalog, executor, artifacts).</summary>
internal sealed class RunsHarness : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    public static readonly Caller Developer = new("key-dev", IsAdmin: false);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mlops-pipeline-runs-test-");

    public RunsHarness() => Runs = Create();

    public FakePipelineCatalog Catalog { get; } = new();

    public FakeStepExecutor Executor { get; } = new();

    public FakeArtifactStore Artifacts { get; } = new();

    public PipelineRuns Runs { get; private set; }

    public ErrorLog Log { get; } = new();

    public void Add(PipelineDefinition plan) => Catalog.Plans[plan.Name] = plan;

    /// <summary>Runs a pipeline to its end: its events, and the exception that ended the stream (null for a success).</summary>
    public async Task<(List<PipelineEvent> Events, RunnerException? Error)> RunAsync(string pipeline, bool noCache = false, JsonObject? inputs = null)
    {
        var events = new List<PipelineEvent>();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await foreach (var item in Runs.RunAsync(pipeline, inputs, noCache, Developer, timeout.Token))
            {
                events.Add(item);
            }

            return (events, null);
        }
        catch (RunnerException exception)
        {
            return (events, exception);
        }
    }

    public static PipelineRunRecord Completed(List<PipelineEvent> events) => Assert.IsType<PipelineRunCompleted>(events[^1]).Record;

    /// <summary>The runner stops (its runs stay Running in the store) and a new one starts on the same data, resuming them.</summary>
    public async Task RestartAsync()
    {
        using var timeout = new CancellationTokenSource(Bound);
        await Runs.StopAsync(timeout.Token);
        Runs.Dispose();
        Runs = Create();
        await Runs.ResumeAsync(timeout.Token);
    }

    public async Task<PipelineRunRecord> WaitEndedAsync(string id)
    {
        using var timeout = new CancellationTokenSource(Bound);
        PipelineRunCompleted? completed = null;
        await foreach (var item in Runs.WatchRunAsync(id, timeout.Token))
        {
            completed = item as PipelineRunCompleted ?? completed;
        }

        return Assert.IsType<PipelineRunCompleted>(completed).Record;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(Bound);
        await Runs.StopAsync(timeout.Token);
        Runs.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Delete(recursive: true);
        Assert.True(Log.Errors.IsEmpty, string.Join(Environment.NewLine, Log.Errors));
    }

    private PipelineRuns Create() => new(Catalog, Executor, Artifacts, Options.Create(new RunnerOptions { DataPath = _root.FullName }), TimeProvider.System, Log)
    {
        RetryBackoff = TimeSpan.Zero,
    };
}
