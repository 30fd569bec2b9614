using Microsoft.Extensions.Options;
using Mlops.Runner.Invocations.Pooling;

namespace Mlops.Runner.Containers.Swarm;

internal static class SwarmServiceExtensions
{
    /// <summary>The Swarm backend's parts; used only when Containers:Backend is Swarm.</summary>
    public static IServiceCollection AddSwarmBackend(this IServiceCollection services)
    {
        services.AddOptions<SwarmOptions>().BindConfiguration(SwarmOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SwarmOptions>, SwarmOptionsValidator>();
        services.AddSingleton<SwarmImages>();
        services.AddSingleton<TaskFollower>();
        services.AddSingleton<SwarmContainerEngine>();
        services.AddSingleton<SwarmEdge>();
        services.AddSingleton<ReplicaPlacement>();
        // Registered before the endpoints: hosted services stop in reverse, so the edge goes after the replicas.
        services.AddHostedService(sp => sp.GetRequiredService<SwarmEdge>());
        // A pre-started container waits on a pipe in a host folder: on a swarm, every invocation starts its own task.
        services.AddOptions<PoolOptions>().PostConfigure<IOptions<ContainerOptions>>((pool, containers) =>
        {
            if (containers.Value.Backend == ContainerBackend.Swarm)
            {
                pool.Enabled = false;
            }
        });
        return services;
    }
}
