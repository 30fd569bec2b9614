using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mlops.AppHost.Hosting;
using Mlops.AppHost.Watching;

namespace Mlops.AppHost.Serving;

public static class ServingExtensions
{
    /// <summary>
    /// The runner's serving endpoints, and their replicas, as resources of the dashboard with live state and
    /// commands (they are the runner's to start and stop, not Aspire's: nothing of them is published).
    /// </summary>
    public static IDistributedApplicationBuilder AddServingEndpoints(this IDistributedApplicationBuilder builder,
        IResourceBuilder<ExecutableResource> runner, IResourceBuilder<NginxResource> frontDoor, AppSecrets? secrets)
    {
        if (builder.MirrorsRunner(runner, frontDoor, secrets) is not { } frontDoorUrl)
        {
            return builder;
        }

        builder.Services.AddSingleton<EndpointCommands>();
        builder.Services.AddSingleton(services => new ServingEndpoints(
            services.GetRequiredService<ResourceNotificationService>(), services.GetRequiredService<EndpointCommands>(), frontDoorUrl));
        builder.Services.AddHostedService(services => new EndpointMonitor(
            runner.Resource.Name,
            services.GetRequiredService<RunnerApi>(),
            services.GetRequiredService<ServingEndpoints>(),
            services.GetRequiredService<ResourceNotificationService>(),
            services.GetRequiredService<IHostApplicationLifetime>(),
            services.GetRequiredService<ILogger<EndpointMonitor>>()));
        return builder;
    }
}
