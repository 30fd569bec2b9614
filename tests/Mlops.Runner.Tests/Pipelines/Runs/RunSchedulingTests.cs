using System.Text.Json.Nodes;
using Mlops.Runner.Pipelines;
using static Mlops.Runner.Tests.Pipelines.Runs.TestPlans;

namespace Mlops.Runner.Tests.Pipelines.Runs;

public sealed class RunSchedulingTests : IAsyncLifetime
{
    private readonly RunsHarness _harness = new();

    [Fact]
    public async Task Run_IndependentSteps_RunAtOnceAndTheirDependentAfterBoth()
    {
        // a and b each wait until both have begun: only steps that run at once get past it.
        var both = new CountdownEvent(2);
        Task<StepOutputs> Together(StepWork work, CancellationToken token) => Task.Run(() =>
        {
            both.Signal();
            Assert.True(both.Wait(RunsHarness.Bound, token));
            return FakeStepExecutor.Default(work);
        }, token);
        _harness.Executor.Behaviours["a"] = Together;
        _harness.Executor.Behaviours["b"] = Together;
        _harness.Add(Plan("p", Step("a"), Step("b"), Step("c", Parameters(("x", new Reference("steps.a.result.metrics.value")), ("y", new Reference("steps.b.result.metrics.value"))))));

        var (events, error) = await _harness.RunAsync("p");

        Assert.Null(error);
        Assert.Equal(PipelineRunStatus.Succeeded, RunsHarness.Completed(events).Status);
        Assert.Equal("c", _harness.Executor.Executed.Last());
        Assert.Equal(new JsonObject { ["x"] = 1, ["y"] = 1 }.ToJsonString(), RunsHarness.Completed(events).Steps[2].Parameters!.ToJsonString());
    }

    [Fact]
    public async Task Run_MapStep_RunsEveryItemWithinItsConcurrency()
    {
        _harness.Executor.Behaviours["t"] = async (work, token) =>
        {
            await Task.Delay(50, token);
            return FakeStepExecutor.Default(work);
        };
        _harness.Add(Plan("p", Step("t", Parameters(("n", new Reference("item"))), map: Map([1, 2, 3, 4, 5], concurrency: 2))));

        var (events, error) = await _harness.RunAsync("p");

        Assert.Null(error);
        var step = RunsHarness.Completed(events).Steps[0];
        Assert.Equal(StepStatus.Succeeded, step.Status);
        Assert.Equal([1, 2, 3, 4, 5], step.Items.Select(item => (int)item.Parameters!["n"]!));
        Assert.All(step.Items, item => Assert.Equal(StepStatus.Succeeded, item.Status));
        Assert.InRange(_harness.Executor.MaxRunning, 1, 2);
    }

    [Theory]
    [InlineData(0.6, PipelineRunStatus.Succeeded)]
    [InlineData(1.0, PipelineRunStatus.Failed)]
    public async Task Run_MapItemFails_StepEndsByMinSuccessRatio(double ratio, PipelineRunStatus expected)
    {
        _harness.Executor.Behaviours["t"] = (work, _) => work.Item == 1
            ? throw new RunnerException(ErrorKind.FunctionFailed, "boom")
            : Task.FromResult(FakeStepExecutor.Default(work));
        _harness.Add(Plan("p", Step("t", Parameters(("n", new Reference("item"))), map: Map([1, 2, 3], minSuccessRatio: ratio))));

        var (events, error) = await _harness.RunAsync("p");

        var run = RunsHarness.Completed(events);
        Assert.Equal(expected, run.Status);
        Assert.Equal(StepStatus.Failed, run.Steps[0].Items[1].Status);
        Assert.Equal("INTERNAL", run.Steps[0].Items[1].ErrorCode);
        Assert.Equal(expected == PipelineRunStatus.Failed, error is not null);
        Assert.Equal(expected == PipelineRunStatus.Failed ? ErrorKind.FunctionFailed : null, error?.Kind);
    }

    [Fact]
    public async Task Run_MapOverNotAList_FailsNamingTheField()
    {
        _harness.Add(Plan("p", Step("t", map: new MapSpec(new Literal(3), 2, 1))));

        var (events, error) = await _harness.RunAsync("p");

        Assert.Equal(ErrorKind.InvalidArgument, error!.Kind);
        var step = RunsHarness.Completed(events).Steps[0];
        Assert.Equal("INVALID_ARGUMENT", step.ErrorCode);
        Assert.StartsWith("steps.t.map.over:", step.ErrorMessage);
    }

    [Fact]
    public async Task Run_WhenFalse_SkipsTheStepAndItsDependentsButNotTheOthers()
    {
        _harness.Add(Plan("p",
            Step("a"),
            Step("gate", when: new TestCondition(scope => (int)scope.Steps["a"].Result["metrics"]!["value"]! > 5, "a")),
            Step("after_gate", after: ["gate"]),
            Step("after_after", after: ["after_gate"]),
            Step("other", after: ["a"])));

        var (events, error) = await _harness.RunAsync("p");

        Assert.Null(error);
        var run = RunsHarness.Completed(events);
        Assert.Equal(PipelineRunStatus.Succeeded, run.Status);
        Assert.Equal([StepStatus.Succeeded, StepStatus.Skipped, StepStatus.Skipped, StepStatus.Skipped, StepStatus.Succeeded], run.Steps.Select(step => step.Status));
        Assert.Equal(["a", "other"], _harness.Executor.Executed.Order());
    }

    [Fact]
    public async Task Run_StepFailsThenSucceeds_IsRetried()
    {
        var calls = 0;
        _harness.Executor.Behaviours["a"] = (work, _) => Interlocked.Increment(ref calls) < 3
            ? throw new RunnerException(ErrorKind.Unavailable, "flaky")
            : Task.FromResult(FakeStepExecutor.Default(work));
        _harness.Add(Plan("p", Step("a", retries: 2)));

        var (events, error) = await _harness.RunAsync("p");

        Assert.Null(error);
        var step = RunsHarness.Completed(events).Steps[0];
        Assert.Equal((StepStatus.Succeeded, 3), (step.Status, step.Attempts));
        Assert.Equal([1, 2, 3], events.OfType<StepStarted>().Select(started => started.Attempt));
    }

    [Theory]
    [InlineData(ErrorKind.InvalidArgument)]
    [InlineData(ErrorKind.NotFound)]
    public async Task Run_StepFailsWithAUserError_IsNotRetried(ErrorKind kind)
    {
        _harness.Executor.Behaviours["a"] = (_, _) => throw new RunnerException(kind, "your mistake");
        _harness.Add(Plan("p", Step("a", retries: 3)));

        var (events, error) = await _harness.RunAsync("p");

        Assert.Equal(kind, error!.Kind);
        Assert.Equal(1, RunsHarness.Completed(events).Steps[0].Attempts);
        Assert.Equal(1, _harness.Executor.Count("a"));
    }

    [Fact]
    public async Task Run_AttemptOutlastsItsTimeout_FailsWithDeadlineExceeded()
    {
        _harness.Executor.Behaviours["a"] = async (work, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return FakeStepExecutor.Default(work);
        };
        _harness.Add(Plan("p", Step("a", timeout: TimeSpan.FromMilliseconds(100), retries: 1)));

        var (events, error) = await _harness.RunAsync("p");

        Assert.Equal(ErrorKind.DeadlineExceeded, error!.Kind);
        var step = RunsHarness.Completed(events).Steps[0];
        Assert.Equal(("DEADLINE_EXCEEDED", 2), (step.ErrorCode, step.Attempts));
    }

    [Fact]
    public async Task Run_StepFails_RunningStepsFinishAndCacheAndTheRestAreCancelled()
    {
        _harness.Executor.Behaviours["bad"] = (_, _) => throw new RunnerException(ErrorKind.FailedPrecondition, "no");
        _harness.Executor.Behaviours["slow"] = async (work, token) =>
        {
            // Still running when the run takes in bad's failure (next ends CANCELLED then).
            while ((await _harness.Runs.GetRunAsync(work.RunId, token)).Steps[2].Status != StepStatus.Cancelled)
            {
                await Task.Delay(10, token);
            }

            return FakeStepExecutor.Default(work);
        };
        _harness.Add(Plan("p", Step("bad"), Step("slow"), Step("next", after: ["bad"]), Step("later", after: ["slow"])));

        var (events, error) = await _harness.RunAsync("p");

        Assert.Equal(ErrorKind.FailedPrecondition, error!.Kind);
        var run = RunsHarness.Completed(events);
        Assert.Equal((PipelineRunStatus.Failed, "FAILED_PRECONDITION"), (run.Status, run.ErrorCode));
        Assert.StartsWith("step bad failed: ", run.ErrorMessage);
        Assert.Equal([StepStatus.Failed, StepStatus.Succeeded, StepStatus.Cancelled, StepStatus.Cancelled], run.Steps.Select(step => step.Status));
        Assert.Equal("an upstream step failed", run.Steps[2].ErrorMessage);

        _harness.Executor.Behaviours.Clear();
        var (again, _) = await _harness.RunAsync("p");
        Assert.True(RunsHarness.Completed(again).Steps[1].CacheHit);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();
}
