using Docker.DotNet;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mlops.Runner.Containers;

/// <summary>The runner is ready only while it can reach the Docker engine.</summary>
public sealed class DockerHealthCheck(IDockerClient docker) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await docker.System.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is HttpRequestException or DockerApiException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("the Docker engine is not reachable", ex);
        }
    }
}
