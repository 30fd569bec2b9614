using Mlops.Runner.Pipelines;
using static Mlops.Runner.Tests.Pipelines.Runs.TestPlans;

namespace Mlops.Runner.Tests.Pipelines.Runs;

public sealed class RunDurabilityTests : IAsyncLifetime
{
    private readonly RunsHarness _harness = new();
    private readonly TaskCompletionSource _blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>b hangs (until its token ends it) in the first runner only; in the next it succeeds.</summary>
    private void BlockFirstB()
    {
        var runner = _harness.Runs;
        _harness.Executor.Behaviours["b"] = async (work, token) =>
        {
            if (_harness.Runs == runner)
            {
                _blocked.TrySetResult();
                await Task.Delay(Timeout.Infinite, token);
            }

            return FakeStepExecutor.Default(work);
        };
    }

    [Fact]
    public async Task Resume_AfterARestart_FinishesWithoutRerunningFinishedSteps()
    {
        _harness.Add(Plan("p", Step("a"), Step("b", after: ["a"]), Step("c", after: ["b"])));
        BlockFirstB();
        var id = await _harness.Runs.StartAsync("p", null, noCache: true, RunsHarness.Developer, CancellationToken.None);
        await _blocked.Task.WaitAsync(RunsHarness.Bound);

        await _harness.RestartAsync();
        var run = await _harness.WaitEndedAsync(id);

        Assert.Equal((PipelineRunStatus.Succeeded, 1), (run.Status, run.Resumes));
        Assert.Equal(["a", "b", "b", "c"], _harness.Executor.Executed.Order());
        Assert.All(run.Steps, step => Assert.False(step.CacheHit));
        var accepted = Assert.IsType<PipelineRunAccepted>((await Events(id))[0]);
        Assert.True(accepted.Resumed);
    }

    [Fact]
    public async Task Stop_RunningRun_StaysRunningInTheStoreWithItsStepRunning()
    {
        _harness.Add(Plan("p", Step("a"), Step("b", after: ["a"])));
        BlockFirstB();
        var id = await _harness.Runs.StartAsync("p", null, noCache: false, RunsHarness.Developer, CancellationToken.None);
        await _blocked.Task.WaitAsync(RunsHarness.Bound);

        await _harness.Runs.StopAsync(CancellationToken.None).WaitAsync(RunsHarness.Bound);

        var run = await _harness.Runs.GetRunAsync(id, CancellationToken.None);
        Assert.Equal(PipelineRunStatus.Running, run.Status);
        Assert.Equal([StepStatus.Succeeded, StepStatus.Running], run.Steps.Select(step => step.Status));
    }

    [Fact]
    public async Task Stop_AfterTheHostDisposedTheEngine_StillWaitsForTheRunsAndDoesNotThrow()
    {
        // A host stopped twice at once (app.Run's stop-then-dispose racing a test host's stop) disposes before it stops.
        _harness.Add(Plan("p", Step("a"), Step("b", after: ["a"])));
        BlockFirstB();
        var id = await _harness.Runs.StartAsync("p", null, noCache: false, RunsHarness.Developer, CancellationToken.None);
        await _blocked.Task.WaitAsync(RunsHarness.Bound);

        _harness.Runs.Dispose();
        await _harness.Runs.StopAsync(CancellationToken.None).WaitAsync(RunsHarness.Bound);

        var run = await _harness.Runs.GetRunAsync(id, CancellationToken.None);
        Assert.Equal([StepStatus.Succeeded, StepStatus.Running], run.Steps.Select(step => step.Status));
    }

    [Fact]
    public async Task Resume_MapStepCutShort_KeepsTheItemsThatSucceeded()
    {
        var runner = _harness.Runs;
        _harness.Executor.Behaviours["t"] = async (work, token) =>
        {
            if (work.Item == 1 && _harness.Runs == runner)
            {
                _blocked.TrySetResult();
                await Task.Delay(Timeout.Infinite, token);
            }

            return FakeStepExecutor.Default(work);
        };
        _harness.Add(Plan("p", Step("t", Parameters(("n", new Reference("item"))), map: Map([1, 2], concurrency: 2))));
        var id = await _harness.Runs.StartAsync("p", null, noCache: true, RunsHarness.Developer, CancellationToken.None);
        await _blocked.Task.WaitAsync(RunsHarness.Bound);
        await WaitAsync(async () => (await _harness.Runs.GetRunAsync(id, CancellationToken.None)).Steps[0].Items[0].Status == StepStatus.Succeeded);

        await _harness.RestartAsync();
        var run = await _harness.WaitEndedAsync(id);

        Assert.Equal(PipelineRunStatus.Succeeded, run.Status);
        Assert.Equal(["t[0]", "t[1]", "t[1]"], _harness.Executor.Executed.Order());
    }

    [Fact]
    public async Task Resume_PipelineGoneSinceTheRestart_EndsTheRunFailed()
    {
        _harness.Add(Plan("p", Step("a"), Step("b", after: ["a"])));
        BlockFirstB();
        var id = await _harness.Runs.StartAsync("p", null, noCache: false, RunsHarness.Developer, CancellationToken.None);
        await _blocked.Task.WaitAsync(RunsHarness.Bound);
        _harness.Catalog.Plans.Clear();

        await _harness.RestartAsync();

        var run = await _harness.Runs.GetRunAsync(id, CancellationToken.None);
        Assert.Equal((PipelineRunStatus.Failed, "NOT_FOUND"), (run.Status, run.ErrorCode));
        Assert.StartsWith("the run cannot resume: ", run.ErrorMessage);
        Assert.Equal(("UNAVAILABLE", "the runner stopped"), (run.Steps[1].ErrorCode, run.Steps[1].ErrorMessage));
    }

    [Fact]
    public async Task Cancel_RunningRun_EndsItCancelledAndTearsItsStepDown()
    {
        _harness.Add(Plan("p", Step("a"), Step("b", after: ["a"]), Step("c", after: ["b"])));
        BlockFirstB();
        var events = _harness.RunAsync("p");
        await _blocked.Task.WaitAsync(RunsHarness.Bound);
        var id = (await _harness.Runs.ListRunsAsync("p", 1, CancellationToken.None))[0].Id;

        var cancelled = await _harness.Runs.CancelAsync(id, RunsHarness.Developer, CancellationToken.None).WaitAsync(RunsHarness.Bound);

        Assert.Equal((PipelineRunStatus.Cancelled, "CANCELLED"), (cancelled.Status, cancelled.ErrorCode));
        Assert.Equal([StepStatus.Succeeded, StepStatus.Cancelled, StepStatus.Cancelled], cancelled.Steps.Select(step => step.Status));
        var (_, error) = await events;
        Assert.Equal(ErrorKind.Cancelled, error!.Kind);
    }

    [Fact]
    public async Task Cancel_AnotherKeysRun_IsRefused()
    {
        _harness.Add(Plan("p", Step("a")));
        var (events, _) = await _harness.RunAsync("p");

        var refused = await Assert.ThrowsAsync<RunnerException>(() => _harness.Runs.CancelAsync(RunsHarness.Completed(events).Id, new Caller("other", false), CancellationToken.None));

        Assert.Equal(ErrorKind.PermissionDenied, refused.Kind);
    }

    [Fact]
    public async Task RunAsync_LeftEarly_TheRunGoesOn()
    {
        _harness.Add(Plan("p", Step("a"), Step("b", after: ["a"])));
        string id;
        await using (var events = _harness.Runs.RunAsync("p", null, false, RunsHarness.Developer, CancellationToken.None).GetAsyncEnumerator())
        {
            Assert.True(await events.MoveNextAsync());
            id = events.Current.RunId;
        }

        var run = await _harness.WaitEndedAsync(id);

        Assert.Equal(PipelineRunStatus.Succeeded, run.Status);
    }

    private async Task<List<PipelineEvent>> Events(string id)
    {
        using var timeout = new CancellationTokenSource(RunsHarness.Bound);
        var events = new List<PipelineEvent>();
        await foreach (var item in _harness.Runs.WatchRunAsync(id, timeout.Token))
        {
            events.Add(item);
        }

        return events;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(RunsHarness.Bound);
        while (!await condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();
}
