using Aspire.Hosting.ApplicationModel;
using Google.Protobuf.WellKnownTypes;
using Mlops.AppHost.Pipelines;
using Mlops.V1;

namespace Mlops.AppHost.Tests;

/// <summary>How a pipeline run from the runner's watch stream reads in the dashboard (pure mapping).</summary>
public sealed class PipelineRunSnapshotsTests
{
    private static readonly CustomResourceSnapshot Empty = new() { ResourceType = "", Properties = [] };

    internal static PipelineRun Run(string id, PipelineRunStatus status, params StepRun[] steps)
    {
        var run = new PipelineRun
        {
            Id = id, Pipeline = "iris", Status = status, TraceId = "4bf92f3577b34da6a3ce929d0e0e4736", PipelineDigest = "sha256:ab",
            CreatedTime = Timestamp.FromDateTime(new DateTime(2026, 12, 7, 6, 0, 0, DateTimeKind.Utc)),
        };
        if (PipelineRunSnapshots.Ended(status))
        {
            run.EndTime = Timestamp.FromDateTime(new DateTime(2026, 12, 7, 6, 1, 0, DateTimeKind.Utc));
        }

        run.Steps.AddRange(steps);
        return run;
    }

    internal static StepRun Step(string id, StepStatus status, bool cacheHit = false, params StepRun[] items)
    {
        var step = new StepRun { Step = id, Status = status, CacheHit = cacheHit };
        step.Items.AddRange(items);
        return step;
    }

    private static object? Property(CustomResourceSnapshot snapshot, string name) => snapshot.Properties.Single(p => p.Name == name).Value;

    [Fact]
    public void Run_ShowsItsPipelineIdStepsDoneCachedStepsAndTrace()
    {
        var run = Run("0f8e2c41a9", PipelineRunStatus.Running,
            Step("split", StepStatus.Succeeded, cacheHit: true),
            Step("train", StepStatus.Running, false, Step("train", StepStatus.Succeeded, cacheHit: true), Step("train", StepStatus.Running)),
            Step("best", StepStatus.Pending),
            Step("register", StepStatus.Skipped));

        var snapshot = PipelineRunSnapshots.Run(Empty, run, "http://127.0.0.1:8080");

        Assert.Equal((PipelineRunResource.Type, "Running"), (snapshot.ResourceType, snapshot.State!.Text));
        Assert.Equal(("iris", "0f8e2c41a9"), (Property(snapshot, "pipeline.name"), Property(snapshot, "pipeline.run")));
        Assert.Equal("2/4", Property(snapshot, "steps.done"));
        Assert.Equal(1, Property(snapshot, "steps.cached"));
        Assert.Equal("train", Property(snapshot, "steps.running"));
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", Property(snapshot, "trace.id"));
        Assert.Equal("http://127.0.0.1:8080/?run=0f8e2c41a9#pipelines", Assert.Single(snapshot.Urls).Url);
        Assert.Null(snapshot.StopTimeStamp);
        Assert.False(snapshot.IsHidden);
    }

    [Fact]
    public void Run_AMapStepWhoseItemsAllCameFromTheCache_CountsAsCached()
    {
        var run = Run("r", PipelineRunStatus.Succeeded,
            Step("train", StepStatus.Succeeded, false, Step("train", StepStatus.Succeeded, cacheHit: true), Step("train", StepStatus.Succeeded, cacheHit: true)));

        var snapshot = PipelineRunSnapshots.Run(Empty, run, "http://127.0.0.1:8080");

        Assert.Equal(1, Property(snapshot, "steps.cached"));
        Assert.Equal(new DateTime(2026, 12, 7, 6, 1, 0, DateTimeKind.Utc), snapshot.StopTimeStamp);
    }

    [Theory]
    [InlineData(PipelineRunStatus.Pending, "Pending", "info")]
    [InlineData(PipelineRunStatus.Running, "Running", "info")]
    [InlineData(PipelineRunStatus.Succeeded, "Succeeded", "success")]
    [InlineData(PipelineRunStatus.Failed, "Failed", "error")]
    [InlineData(PipelineRunStatus.Cancelled, "Cancelled", "warning")]
    public void Run_EachStatus_IsAStateWithItsStyle(PipelineRunStatus status, string text, string style)
    {
        var snapshot = PipelineRunSnapshots.Run(Empty, Run("r", status), "http://127.0.0.1:8080");

        Assert.Equal((text, style), (snapshot.State!.Text, snapshot.State.Style));
    }

    [Fact]
    public void Run_ThatFailed_SaysWhy()
    {
        var run = Run("r", PipelineRunStatus.Failed);
        run.ErrorCode = "INTERNAL";
        run.ErrorMessage = "step train[2]: exit code 1";

        var snapshot = PipelineRunSnapshots.Run(Empty, run, "http://127.0.0.1:8080");

        Assert.Equal("INTERNAL: step train[2]: exit code 1", Property(snapshot, "run.error"));
    }

    [Fact]
    public void Gone_HidesTheRun()
    {
        Assert.True(PipelineRunSnapshots.Gone(PipelineRunSnapshots.Run(Empty, Run("r", PipelineRunStatus.Succeeded), "http://x")).IsHidden);
    }
}
