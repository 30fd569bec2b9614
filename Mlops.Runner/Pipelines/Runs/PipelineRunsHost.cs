namespace Mlops.Runner.Pipelines;

/// <summary>Resumes the runs a stopped runner left unfinished, and stops the live ones (to resume) when the runner stops.</summary>
internal sealed class PipelineRunsHost(PipelineRuns runs) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => runs.ResumeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => runs.StopAsync(cancellationToken);
}
