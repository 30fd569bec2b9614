namespace Mlops.Runner.Pipelines;

public static class PipelineRunsServiceExtensions
{
    /// <summary>The run engine (needs an IPipelineCatalog, an IStepExecutor and an IArtifactStore) and the service that resumes runs at start.</summary>
    public static IServiceCollection AddPipelineRuns(this IServiceCollection services)
    {
        services.AddSingleton<PipelineRuns>();
        services.AddSingleton<IPipelineRuns>(provider => provider.GetRequiredService<PipelineRuns>());
        services.AddHostedService<PipelineRunsHost>();
        return services;
    }
}
