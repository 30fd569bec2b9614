using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// Aspire's HTTP health check speaks HTTP/1.1, which a cleartext HTTP/2-only endpoint (the runner's gRPC port)
/// refuses; this one asks in HTTP/2 with prior knowledge, as gRPC clients do.
/// </summary>
public sealed class Http2HealthCheck(Func<Uri> address) : IHealthCheck
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        Timeout = TimeSpan.FromSeconds(5),
        DefaultRequestVersion = System.Net.HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await Client.GetAsync(address(), cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{address()} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
        catch (HttpRequestException ex)
        {
            return HealthCheckResult.Unhealthy($"{address()} does not answer: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{address()} did not answer within {Client.Timeout.TotalSeconds:0} s");
        }
    }
}

public static class Http2HealthCheckExtensions
{
    /// <summary>Healthy while GET <paramref name="path"/> on the endpoint answers 2xx over cleartext HTTP/2.</summary>
    public static IResourceBuilder<T> WithHttp2HealthCheck<T>(this IResourceBuilder<T> resource, string endpointName, string path)
        where T : IResourceWithEndpoints
    {
        var endpoint = resource.Resource.GetEndpoint(endpointName);
        var key = $"{resource.Resource.Name}_{endpointName}_http2";
        resource.ApplicationBuilder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(key, _ => new Http2HealthCheck(() => new Uri(endpoint.Url + path)), failureStatus: null, tags: null));
        return resource.WithHealthCheck(key);
    }
}
