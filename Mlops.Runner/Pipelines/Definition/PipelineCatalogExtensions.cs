namespace Mlops.Runner.Pipelines;

public static class PipelineCatalogExtensions
{
    /// <summary>The pipelines under Runner:PipelinesPath (resolved against the content root with the runner's other paths).</summary>
    public static IServiceCollection AddPipelineCatalog(this IServiceCollection services)
    {
        services.AddSingleton<PipelineCatalog>();
        services.AddSingleton<IPipelineCatalog>(sp => sp.GetRequiredService<PipelineCatalog>());
        return services;
    }
}
