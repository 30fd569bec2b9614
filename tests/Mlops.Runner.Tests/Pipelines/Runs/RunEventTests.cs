using Mlops.Runner.Pipelines;
using static Mlops.Runner.Tests.Pipelines.Runs.TestPlans;

namespace Mlops.Runner.Tests.Pipelines.Runs;

public sealed class RunEventTests : IAsyncLifetime
{
    private readonly RunsHarness _harness = new();

    [Fact]
    public async Task RunAsync_OneStep_SaysAcceptedQueuedStartedLogCompletedInOrder()
    {
        _harness.Add(Plan("p", Step("a")));

        var (events, error) = await _harness.RunAsync("p");

        Assert.Null(error);
        Assert.Equal(
            [typeof(PipelineRunAccepted), typeof(StepQueued), typeof(StepStarted), typeof(StepLog), typeof(StepCompleted), typeof(PipelineRunCompleted)],
            events.Select(e => e.GetType()));
        var completed = Assert.IsType<StepCompleted>(events[4]).Record;
        Assert.Equal(("inv-a", StepStatus.Succeeded, 1), (completed.InvocationId, completed.Status, completed.Attempts));
        Assert.StartsWith("sha256:", completed.CacheKey);
    }

    [Fact]
    public async Task WatchRunAsync_AfterTheEnd_ReplaysTheStoredRecord()
    {
        _harness.Add(Plan("p", Step("t", Parameters(("n", new Reference("item"))), map: Map([1, 2])), Step("b", after: ["t"])));
        var (events, _) = await _harness.RunAsync("p");
        var id = RunsHarness.Completed(events).Id;

        var replayed = new List<PipelineEvent>();
        await foreach (var item in _harness.Runs.WatchRunAsync(id, CancellationToken.None))
        {
            replayed.Add(item);
        }

        Assert.IsType<PipelineRunAccepted>(replayed[0]);
        Assert.Equal(["t[0]", "t[1]", "t", "b"], replayed.OfType<StepCompleted>().Select(e => StepName(e.Step, e.Item)));
        Assert.Equal(PipelineRunStatus.Succeeded, Assert.IsType<PipelineRunCompleted>(replayed[^1]).Record.Status);
        Assert.Equal(
            events.OfType<StepCompleted>().Select(e => StepName(e.Step, e.Item)).Order(),
            replayed.OfType<StepCompleted>().Select(e => StepName(e.Step, e.Item)).Order());
    }

    [Fact]
    public async Task WatchRunAsync_WhileRunning_ReplaysFromTheStartThenFollows()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _harness.Executor.Behaviours["b"] = async (work, token) =>
        {
            started.TrySetResult();
            await release.Task.WaitAsync(token);
            return FakeStepExecutor.Default(work);
        };
        _harness.Add(Plan("p", Step("a"), Step("b", after: ["a"])));
        var id = await _harness.Runs.StartAsync("p", null, false, RunsHarness.Developer, CancellationToken.None);
        await started.Task.WaitAsync(RunsHarness.Bound);

        var watch = Task.Run(async () =>
        {
            var seen = new List<PipelineEvent>();
            await foreach (var item in _harness.Runs.WatchRunAsync(id, CancellationToken.None))
            {
                seen.Add(item);
            }

            return seen;
        });
        release.SetResult();
        var seen = await watch.WaitAsync(RunsHarness.Bound);

        Assert.IsType<PipelineRunAccepted>(seen[0]);
        Assert.Equal(["a", "b"], seen.OfType<StepCompleted>().Select(e => e.Step));
        Assert.IsType<PipelineRunCompleted>(seen[^1]);
    }

    [Fact]
    public async Task WatchRunsAsync_GivesTheLatestRunsThenEachChange()
    {
        _harness.Add(Plan("p", Step("a")));
        var (earlier, _) = await _harness.RunAsync("p");
        using var timeout = new CancellationTokenSource(RunsHarness.Bound);
        await using var watch = _harness.Runs.WatchRunsAsync(timeout.Token).GetAsyncEnumerator();
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(RunsHarness.Completed(earlier).Id, watch.Current.Id);

        var id = await _harness.Runs.StartAsync("p", null, false, RunsHarness.Developer, CancellationToken.None);

        var statuses = new List<PipelineRunStatus>();
        while (await watch.MoveNextAsync() && !(watch.Current.Id == id && watch.Current.IsEnded))
        {
            statuses.Add(watch.Current.Status);
        }

        Assert.Equal(PipelineRunStatus.Succeeded, watch.Current.Status);
        Assert.Contains(PipelineRunStatus.Running, statuses);
    }

    [Theory]
    [InlineData(null, ErrorKind.InvalidArgument)]
    [InlineData("not-an-id", ErrorKind.InvalidArgument)]
    [InlineData("0123456789abcdef0123456789abcdef", ErrorKind.NotFound)]
    public async Task GetRunAsync_BadOrUnknownId_IsRefusedPrecisely(string? id, ErrorKind expected)
    {
        var refused = await Assert.ThrowsAsync<RunnerException>(() => _harness.Runs.GetRunAsync(id, CancellationToken.None));

        Assert.Equal(expected, refused.Kind);
    }

    [Fact]
    public async Task StartAsync_UnknownPipeline_IsNotFound()
    {
        var refused = await Assert.ThrowsAsync<RunnerException>(() => _harness.Runs.StartAsync("nope", null, false, RunsHarness.Developer, CancellationToken.None));

        Assert.Equal(ErrorKind.NotFound, refused.Kind);
    }

    private static string StepName(string? step, int? item) => item is { } i ? $"{step}[{i}]" : step!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();
}
