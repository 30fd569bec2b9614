using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// Healthy while GET on an endpoint's path answers 2xx. Unlike Aspire's own HTTP health check it can speak
/// HTTP/2 with prior knowledge (the runner's port is cleartext HTTP/2 only), and it gives a service that is still
/// starting a moment (polling every 50 ms, up to <see cref="Patience"/>) instead of failing at once: Aspire checks
/// a resource the moment its process runs, before it listens, and after a failure checks again only a second or
/// two later, which made each step of the WaitFor chain that much slower than the service itself.
/// </summary>
public sealed class HttpProbe(Func<Uri> address, Version version) : IHealthCheck
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private static readonly HttpClient Client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var result = await ProbeAsync(cancellationToken);
            if (result.Status == HealthStatus.Healthy || Stopwatch.GetElapsedTime(started) >= Patience)
            {
                return result;
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }

    private async Task<HealthCheckResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var uri = address();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            using var response = await Client.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{uri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
        catch (HttpRequestException ex)
        {
            return HealthCheckResult.Unhealthy($"{uri} does not answer: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{uri} did not answer within {Client.Timeout.TotalSeconds:0} s");
        }
    }
}

public static class HttpProbeExtensions
{
    /// <summary>Healthy while GET <paramref name="path"/> on the endpoint answers 2xx (over cleartext HTTP/2 when <paramref name="http2"/>).</summary>
    public static IResourceBuilder<T> WithHttpProbe<T>(this IResourceBuilder<T> resource, string endpointName, string path, bool http2 = false)
        where T : IResourceWithEndpoints
    {
        var endpoint = resource.Resource.GetEndpoint(endpointName);
        var key = $"{resource.Resource.Name}_{endpointName}_probe";
        var version = http2 ? HttpVersion.Version20 : HttpVersion.Version11;
        resource.ApplicationBuilder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(key, _ => new HttpProbe(() => new Uri(endpoint.Url + path), version), failureStatus: null, tags: null));
        return resource.WithHealthCheck(key);
    }
}
