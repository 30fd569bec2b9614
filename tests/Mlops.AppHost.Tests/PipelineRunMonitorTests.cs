using System.Runtime.CompilerServices;
using Aspire.Hosting.ApplicationModel;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Mlops.AppHost.Pipelines;
using Mlops.V1;
using static Mlops.AppHost.Tests.PipelineRunSnapshotsTests;

namespace Mlops.AppHost.Tests;

/// <summary>The monitor against a fake run watch: it waits for the runner, mirrors each run, and follows again when the stream breaks.</summary>
public sealed class PipelineRunMonitorTests : IDisposable
{
    private readonly Dashboard _dashboard = new();
    private readonly TaskCompletionSource _runnerHealthy = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _watches;

    /// <summary>The runner's stream: the first breaks after one run (a runner restart), the second replays and follows.</summary>
    private async IAsyncEnumerable<PipelineRun> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _watches) == 1)
        {
            yield return Run("0f8e2c41a9", PipelineRunStatus.Running, Step("split", StepStatus.Running));
            throw new RpcException(new Status(StatusCode.Unavailable, "the runner stopped"));
        }

        yield return Run("0f8e2c41a9", PipelineRunStatus.Succeeded, Step("split", StepStatus.Succeeded));
        yield return Run("77aa0b12cd", PipelineRunStatus.Running, Step("split", StepStatus.Pending));
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    private PipelineRunMonitor Monitor() =>
        new(cancellationToken => _runnerHealthy.Task.WaitAsync(cancellationToken), WatchAsync, _dashboard.Runs, _dashboard.Lifetime, NullLogger<PipelineRunMonitor>.Instance);

    [Fact]
    public async Task Monitor_BeforeTheRunnerIsHealthy_ShowsNothing_ThenEachRun_AndFollowsAgainAfterTheStreamBreaks()
    {
        using var monitor = Monitor();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await monitor.StartAsync(bound.Token);
        try
        {
            await Task.Delay(200, bound.Token);
            Assert.Equal(0, Volatile.Read(ref _watches));

            _runnerHealthy.SetResult();

            var followedAgain = await _dashboard.WaitForAsync("pipeline-iris-0f8e2c41", s => s.State?.Text == "Succeeded");
            var second = await _dashboard.WaitForAsync("pipeline-iris-77aa0b12", s => s.State?.Text == KnownResourceStates.Running);
            Assert.Equal("1/1", followedAgain.Properties.Single(p => p.Name == "steps.done").Value);
            Assert.Equal("0/1", second.Properties.Single(p => p.Name == "steps.done").Value);
            Assert.Equal(2, Volatile.Read(ref _watches));
        }
        finally
        {
            await monitor.StopAsync(bound.Token);
        }
    }

    [Fact]
    public async Task Monitor_WhenTheAppStops_LetsGoOfTheStream()
    {
        using var monitor = Monitor();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await monitor.StartAsync(bound.Token);
        _runnerHealthy.SetResult();
        await _dashboard.WaitForAsync("pipeline-iris-77aa0b12", s => s.State is not null);

        _dashboard.Lifetime.StopApplication();

        await monitor.ExecuteTask!.WaitAsync(bound.Token);
        Assert.True(monitor.ExecuteTask.IsCompletedSuccessfully);
    }

    public void Dispose() => _dashboard.Dispose();
}
