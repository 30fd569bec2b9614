using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mlops.AppHost.Hosting;
using Mlops.AppHost.Watching;

namespace Mlops.AppHost.Pools;

public static class PoolExtensions
{
    /// <summary>Each function's warm pool as a resource of the dashboard: its size, what is ready, how much it is claimed.</summary>
    public static IDistributedApplicationBuilder AddFunctionPools(this IDistributedApplicationBuilder builder,
        IResourceBuilder<ExecutableResource> runner, IResourceBuilder<NginxResource> frontDoor, AppSecrets? secrets)
    {
        if (builder.MirrorsRunner(runner, frontDoor, secrets) is null)
        {
            return builder;
        }

        builder.Services.AddHostedService(services => new PoolMonitor(
            runner.Resource.Name,
            services.GetRequiredService<RunnerApi>(),
            services.GetRequiredService<ResourceNotificationService>(),
            services.GetRequiredService<IHostApplicationLifetime>(),
            services.GetRequiredService<ILogger<PoolMonitor>>()));
        return builder;
    }
}
