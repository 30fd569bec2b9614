using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Mlops.AppHost.Pipelines;
using Mlops.V1;
using static Mlops.AppHost.Tests.PipelineRunSnapshotsTests;

namespace Mlops.AppHost.Tests;

/// <summary>Pipeline runs as dashboard resources: made once, kept up to date, the ended ones bounded.</summary>
public sealed class PipelineRunsTests : IDisposable
{
    private readonly Dashboard _dashboard = new();

    private static string Id(int n) => $"{n:x8}aa";

    private static PipelineRun Ended(int n)
    {
        var run = Run(Id(n), PipelineRunStatus.Succeeded);
        run.EndTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(new DateTime(2026, 12, 7, 6, 0, 0, DateTimeKind.Utc).AddMinutes(n));
        return run;
    }

    [Fact]
    public async Task ShowAsync_ARunAndItsChange_OneResourceNamedAfterThePipelineAndRun_WithItsLatestState()
    {
        await _dashboard.Runs.ShowAsync(Run("0f8e2c41a9", PipelineRunStatus.Running, Step("split", StepStatus.Running)));
        await _dashboard.Runs.ShowAsync(Run("0f8e2c41a9", PipelineRunStatus.Succeeded, Step("split", StepStatus.Succeeded)));

        var resource = Assert.Single(_dashboard.Runs.Shown).Value;
        Assert.Equal(("pipeline-iris-0f8e2c41", "0f8e2c41a9"), (resource.Name, resource.RunId));
        var snapshot = _dashboard.Snapshot("pipeline-iris-0f8e2c41")!;
        Assert.Equal(("Succeeded", "1/1"), (snapshot.State!.Text, snapshot.Properties.Single(p => p.Name == "steps.done").Value));
    }

    [Fact]
    public async Task ShowAsync_TwoRunsWhoseIdsStartAlike_GetTwoNames()
    {
        await _dashboard.Runs.ShowAsync(Run("0f8e2c41aaaa", PipelineRunStatus.Running));
        await _dashboard.Runs.ShowAsync(Run("0f8e2c41bbbb", PipelineRunStatus.Running));

        Assert.Equal(["pipeline-iris-0f8e2c41", "pipeline-iris-0f8e2c41bbbb"], _dashboard.Runs.Shown.Values.Select(r => r.Name).Order());
    }

    [Fact]
    public async Task ShowAsync_MoreEndedRunsThanKept_HidesTheOldest_AndKeepsTheRunning()
    {
        await _dashboard.Runs.ShowAsync(Run("running1", PipelineRunStatus.Running));
        for (var n = 1; n <= PipelineRuns.EndedKept + 1; n++)
        {
            await _dashboard.Runs.ShowAsync(Ended(n));
        }

        Assert.Equal(PipelineRuns.EndedKept + 1, _dashboard.Runs.Shown.Count);
        Assert.DoesNotContain(Id(1), _dashboard.Runs.Shown.Keys);
        Assert.True(_dashboard.Snapshot(PipelineRunResource.NameOf("iris", Id(1)))!.IsHidden);
        Assert.False(_dashboard.Snapshot(PipelineRunResource.NameOf("iris", Id(2)))!.IsHidden);
        Assert.False(_dashboard.Snapshot(PipelineRunResource.NameOf("iris", "running1"))!.IsHidden);
    }

    [Fact]
    public async Task ShowAsync_AnEndedRunOlderThanTheLastKept_IsNotShown()
    {
        for (var n = 10; n < 10 + PipelineRuns.EndedKept; n++)
        {
            await _dashboard.Runs.ShowAsync(Ended(n));
        }

        await _dashboard.Runs.ShowAsync(Ended(1));

        Assert.DoesNotContain(Id(1), _dashboard.Runs.Shown.Keys);
        Assert.Null(_dashboard.Snapshot(PipelineRunResource.NameOf("iris", Id(1))));
    }

    [Fact]
    public async Task Cancel_IsEnabledWhileTheRunRuns_AndDisabledOnceItEnded()
    {
        await _dashboard.Runs.ShowAsync(Run("0f8e2c41a9", PipelineRunStatus.Running));
        var running = Assert.Single(_dashboard.Snapshot("pipeline-iris-0f8e2c41")!.Commands);
        await _dashboard.Runs.ShowAsync(Run("0f8e2c41a9", PipelineRunStatus.Cancelled));
        var ended = Assert.Single(_dashboard.Snapshot("pipeline-iris-0f8e2c41")!.Commands);

        Assert.Equal((PipelineRunCommands.Cancel, ResourceCommandState.Enabled), (running.Name, running.State));
        Assert.Equal(ResourceCommandState.Disabled, ended.State);
    }

    [Fact]
    public async Task Cancel_WhenTheRunnerIsUnreachable_FailsWithTheRunnersStatus()
    {
        await _dashboard.Runs.ShowAsync(Run("0f8e2c41a9", PipelineRunStatus.Running));
        var resource = _dashboard.Runs.Shown["0f8e2c41a9"];
        var cancel = resource.Annotations.OfType<ResourceCommandAnnotation>().Single(c => c.Name == PipelineRunCommands.Cancel);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var result = await cancel.ExecuteCommand(new ExecuteCommandContext
        {
            Services = _dashboard.Services,
            ResourceName = resource.Name,
            Arguments = new InteractionInputCollection([]),
            Logger = NullLogger.Instance,
            CancellationToken = bound.Token,
        });

        Assert.False(result.Success);
        Assert.StartsWith($"{StatusCode.Unavailable}: ", result.Message);
    }

    public void Dispose() => _dashboard.Dispose();
}
