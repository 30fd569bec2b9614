using Docker.DotNet;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mlops.Runner.Containers;

/// <summary>
/// Degraded, not unhealthy, while the Docker engine cannot be reached: the runner still answers (history,
/// the registry, keys), and refuses invocations with Unavailable until the engine is back.
/// </summary>
public sealed class DockerHealthCheck(IDockerClient docker) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await docker.System.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is HttpRequestException or DockerApiException or TimeoutException or IOException)
        {
            return HealthCheckResult.Degraded(
                $"the Docker engine at {docker.Configuration.EndpointBaseUri} is not reachable; invocations and endpoints wait for it", ex);
        }
    }
}
