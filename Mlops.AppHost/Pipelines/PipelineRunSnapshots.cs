using Mlops.V1;

namespace Mlops.AppHost.Pipelines;

/// <summary>How a pipeline run reads in the dashboard: its state, how far its steps are, how many came from the cache.</summary>
public static class PipelineRunSnapshots
{
    public static CustomResourceSnapshot Run(CustomResourceSnapshot previous, PipelineRun run, string frontDoor)
    {
        var done = run.Steps.Count(step => Ended(step.Status));
        var running = run.Steps.Where(step => step.Status == StepStatus.Running).Select(step => step.Step);
        return previous with
        {
            ResourceType = PipelineRunResource.Type,
            State = State(run.Status),
            IsHidden = false,
            CreationTimeStamp = run.CreatedTime?.ToDateTime(),
            StartTimeStamp = run.CreatedTime?.ToDateTime(),
            StopTimeStamp = run.EndTime?.ToDateTime(),
            Properties =
            [
                new(CustomResourceKnownProperties.Source, run.Pipeline),
                new("pipeline.name", run.Pipeline) { DisplayName = "Pipeline" },
                new("pipeline.run", run.Id) { DisplayName = "Run id", IsHighlighted = true },
                new("steps.done", $"{done}/{run.Steps.Count}") { DisplayName = "Steps done", IsHighlighted = true },
                new("steps.cached", run.Steps.Count(Cached)) { DisplayName = "Steps from the cache", IsHighlighted = true },
                new("steps.running", string.Join(", ", running)) { DisplayName = "Steps running" },
                new("trace.id", run.TraceId) { DisplayName = "Trace id" },
                new("run.noCache", run.NoCache) { DisplayName = "Cache off for this run" },
                new("run.resumes", run.Resumes) { DisplayName = "Resumed after a restart" },
                new("pipeline.digest", run.PipelineDigest) { DisplayName = "pipeline.json digest" },
                new("run.error", run.ErrorCode.Length == 0 ? "" : $"{run.ErrorCode}: {run.ErrorMessage}") { DisplayName = "Error" },
            ],
            Urls = [new UrlSnapshot("web UI", $"{frontDoor}/?run={Uri.EscapeDataString(run.Id)}#pipelines", IsInternal: false)],
        };
    }

    /// <summary>What is left of a run past the last ones kept: hidden (the dashboard's "show hidden" still finds it).</summary>
    public static CustomResourceSnapshot Gone(CustomResourceSnapshot previous) => previous with { IsHidden = true };

    public static bool Ended(PipelineRunStatus status) =>
        status is PipelineRunStatus.Succeeded or PipelineRunStatus.Failed or PipelineRunStatus.Cancelled;

    /// <summary>A step whose outputs came from the cache: the step itself, or every item of a map step.</summary>
    public static bool Cached(StepRun step) => step.CacheHit || (step.Items.Count > 0 && step.Items.All(item => item.CacheHit));

    private static bool Ended(StepStatus status) =>
        status is StepStatus.Succeeded or StepStatus.Failed or StepStatus.Skipped or StepStatus.Cancelled;

    private static ResourceStateSnapshot State(PipelineRunStatus status) => status switch
    {
        PipelineRunStatus.Pending => new("Pending", KnownResourceStateStyles.Info),
        PipelineRunStatus.Running => new(KnownResourceStates.Running, KnownResourceStateStyles.Info),
        PipelineRunStatus.Succeeded => new("Succeeded", KnownResourceStateStyles.Success),
        PipelineRunStatus.Failed => new("Failed", KnownResourceStateStyles.Error),
        PipelineRunStatus.Cancelled => new("Cancelled", KnownResourceStateStyles.Warn),
        _ => new("Unknown", KnownResourceStateStyles.Warn),
    };
}
