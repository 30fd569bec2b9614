using Grpc.Core;
using Mlops.AppHost.Watching;
using Mlops.V1;
using static Mlops.AppHost.Watching.DashboardCommands;

namespace Mlops.AppHost.Pipelines;

/// <summary>What an operator does to a pipeline run from the dashboard: cancel it, through the runner's Pipelines API.</summary>
public sealed class PipelineRunCommands(RunnerApi runner)
{
    public const string Cancel = "cancel";

    /// <summary>The runner answers once the run has ended: its running steps' containers are torn down first.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    public PipelineRunResource Attach(PipelineRunResource resource)
    {
        resource.Annotations.Add(Command(Cancel, "Cancel", "Stop the run: running steps are cancelled (their containers removed), pending ones never start", "Stop",
            context => CancelAsync(resource, context), confirmation: $"Cancel the run {resource.RunId} of '{resource.Pipeline}'?", highlighted: true,
            state: snapshot => Running(snapshot) ? ResourceCommandState.Enabled : ResourceCommandState.Disabled));
        return resource;
    }

    /// <summary>Pending or running: a run the runner may still stop.</summary>
    public static bool Running(CustomResourceSnapshot snapshot) => snapshot.State?.Text is { } state && (state == "Pending" || state == KnownResourceStates.Running);

    private async Task<ExecuteCommandResult> CancelAsync(PipelineRunResource resource, ExecuteCommandContext context)
    {
        try
        {
            var run = await runner.Pipelines.CancelPipelineRunAsync(new CancelPipelineRunRequest { Id = resource.RunId }, runner.Credentials(),
                DateTime.UtcNow.Add(Deadline), context.CancellationToken);
            return run.Status == PipelineRunStatus.Cancelled
                ? CommandResults.Success($"the run {run.Id} of '{run.Pipeline}' is cancelled")
                : CommandResults.Failure($"the run {run.Id} had ended already: {run.Status}");
        }
        catch (RpcException ex)
        {
            return Refused(ex);
        }
    }
}
