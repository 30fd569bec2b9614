namespace Mlops.Runner.Pipelines;

/// <summary>A stored run told again as events: accepted, each step's (and item's) end, and the run's end.</summary>
internal static class RunReplay
{
    public static IEnumerable<PipelineEvent> Events(PipelineRunRecord run, PipelineDefinition plan)
    {
        yield return new PipelineRunAccepted(run.Id, run.CreatedAt, plan, run.Resumes > 0);
        foreach (var step in Steps(run))
        {
            yield return step;
        }

        if (run.IsEnded)
        {
            yield return new PipelineRunCompleted(run.Id, run.EndedAt ?? run.CreatedAt, run);
        }
    }

    /// <summary>The steps and items that have ended, in plan order, each item before its step.</summary>
    public static IEnumerable<StepCompleted> Steps(PipelineRunRecord run)
    {
        foreach (var step in run.Steps)
        {
            foreach (var item in step.Items.Where(IsEnded))
            {
                yield return new StepCompleted(run.Id, item.EndedAt ?? run.CreatedAt, item) { Step = item.Step, Item = item.Item };
            }

            if (IsEnded(step))
            {
                yield return new StepCompleted(run.Id, step.EndedAt ?? run.CreatedAt, step) { Step = step.Step };
            }
        }
    }

    private static bool IsEnded(StepRunRecord step) => step.Status is not (StepStatus.Pending or StepStatus.Running);
}
