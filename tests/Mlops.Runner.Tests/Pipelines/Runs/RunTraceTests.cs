using System.Diagnostics;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Tests.Diagnostics;
using Mlops.Runner.Pipelines;
using static Mlops.Runner.Tests.Pipelines.Runs.TestPlans;

namespace Mlops.Runner.Tests.Pipelines.Runs;

/// <summary>One trace per run: a root span, a span per step and per map item, and the executor runs inside its step's span.</summary>
public sealed class RunTraceTests : IAsyncLifetime
{
    private readonly SpanRecorder _recorder = new();
    private readonly RunsHarness _harness = new();

    [Fact]
    public async Task Run_Spans_HangUnderTheRunsRootAndHoldTheExecutor()
    {
        _harness.Add(Plan("traced", Step("a"), Step("t", Parameters(("n", new Reference("item"))), map: Map([1, 2]), after: ["a"])));
        using var caller = new Activity("caller").Start();

        var (events, _) = await _harness.RunAsync("traced");

        var id = RunsHarness.Completed(events).Id;
        var root = Assert.Single(_recorder.Spans, s => s.DisplayName == "pipeline traced" && (string?)s.GetTagItem(RunnerTelemetry.PipelineRun) == id);
        Assert.Equal(default, root.ParentSpanId);
        Assert.Equal(root.TraceId.ToHexString(), RunsHarness.Completed(events).TraceId);
        var a = Assert.Single(_recorder.Spans, s => s.DisplayName == "step a" && s.TraceId == root.TraceId);
        var t = Assert.Single(_recorder.Spans, s => s.DisplayName == "step t" && s.TraceId == root.TraceId);
        Assert.Equal([root.SpanId, root.SpanId], new[] { a.ParentSpanId, t.ParentSpanId });
        var items = _recorder.Spans.Where(s => s.DisplayName.StartsWith("step t[", StringComparison.Ordinal) && s.TraceId == root.TraceId).ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, item => Assert.Equal(t.SpanId, item.ParentSpanId));
        Assert.Same(a, _harness.Executor.Spans["a"]);
        Assert.Equal(RunsHarness.Completed(events).Steps[0].CacheKey, a.GetTagItem(RunnerTelemetry.StepCacheKey));
        Assert.Equal((false, 1), ((bool?)a.GetTagItem(RunnerTelemetry.StepCacheHit), (int?)a.GetTagItem(RunnerTelemetry.StepAttempts)));
    }

    [Fact]
    public async Task Run_StepFails_MarksTheRootWithTheErrorType()
    {
        _harness.Executor.Behaviours["a"] = (_, _) => throw new RunnerException(ErrorKind.FailedPrecondition, "no");
        _harness.Add(Plan("failing", Step("a")));

        var (events, _) = await _harness.RunAsync("failing");

        var root = Assert.Single(_recorder.Spans, s => s.DisplayName == "pipeline failing");
        Assert.Equal((ActivityStatusCode.Error, "FAILED_PRECONDITION"), (root.Status, root.GetTagItem(RunnerTelemetry.ErrorType)));
    }

    [Fact]
    public async Task Resume_ItsSpans_GoIntoTheRunsFirstTrace()
    {
        var runner = _harness.Runs;
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _harness.Executor.Behaviours["a"] = async (work, token) =>
        {
            if (_harness.Runs == runner)
            {
                blocked.TrySetResult();
                await Task.Delay(Timeout.Infinite, token);
            }

            return FakeStepExecutor.Default(work);
        };
        _harness.Add(Plan("resumed", Step("a")));
        var id = await _harness.Runs.StartAsync("resumed", null, false, RunsHarness.Developer, CancellationToken.None);
        await blocked.Task.WaitAsync(RunsHarness.Bound);

        await _harness.RestartAsync();
        var run = await _harness.WaitEndedAsync(id);

        var roots = _recorder.Spans.Where(s => s.DisplayName == "pipeline resumed").ToList();
        Assert.Equal(2, roots.Count);
        Assert.All(roots, root => Assert.Equal(run.TraceId, root.TraceId.ToHexString()));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _recorder.Dispose();
        await _harness.DisposeAsync();
    }
}
