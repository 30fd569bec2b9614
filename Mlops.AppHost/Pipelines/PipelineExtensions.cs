using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mlops.AppHost.Hosting;
using Mlops.AppHost.Watching;

namespace Mlops.AppHost.Pipelines;

public static class PipelineExtensions
{
    /// <summary>
    /// The runner's pipeline runs as resources of the dashboard with live state and a cancel command (they are the
    /// runner's to run, not Aspire's: nothing of them is published).
    /// </summary>
    public static IDistributedApplicationBuilder AddPipelineRuns(this IDistributedApplicationBuilder builder,
        IResourceBuilder<ExecutableResource> runner, IResourceBuilder<NginxResource> frontDoor, AppSecrets? secrets)
    {
        if (builder.MirrorsRunner(runner, frontDoor, secrets) is not { } frontDoorUrl)
        {
            return builder;
        }

        builder.Services.AddSingleton<PipelineRunCommands>();
        builder.Services.AddSingleton(services => new PipelineRuns(services.GetRequiredService<ResourceNotificationService>(),
            services.GetRequiredService<PipelineRunCommands>(), frontDoorUrl, services.GetRequiredService<ILogger<PipelineRuns>>()));
        builder.Services.AddHostedService(services => new PipelineRunMonitor(
            RunnerWatch.Healthy(services.GetRequiredService<ResourceNotificationService>(), runner.Resource.Name),
            services.GetRequiredService<RunnerApi>().WatchPipelineRunsAsync,
            services.GetRequiredService<PipelineRuns>(),
            services.GetRequiredService<IHostApplicationLifetime>(),
            services.GetRequiredService<ILogger<PipelineRunMonitor>>()));
        return builder;
    }
}
