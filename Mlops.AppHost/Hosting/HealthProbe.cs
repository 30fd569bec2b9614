using System.Net;

namespace Mlops.AppHost.Hosting;

/// <summary>Polls a resource's health endpoint until it answers 200, the process dies, or time runs out.</summary>
internal static class HealthProbe
{
    private static readonly HttpClient Http1 = new() { Timeout = TimeSpan.FromSeconds(5) };

    // gRPC-only endpoints speak cleartext HTTP/2 with prior knowledge and nothing else.
    private static readonly HttpClient Http2 = new()
    {
        Timeout = TimeSpan.FromSeconds(5),
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    /// <summary>One probe, for the dashboard's view of a running resource.</summary>
    public static async Task<bool> IsHealthyAsync(Endpoint endpoint, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await (endpoint.Http2 ? Http2 : Http1).GetAsync(endpoint.Url + path, cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public static async Task<bool> WaitHealthyAsync(Endpoint endpoint, string path, IResourceInstance instance, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var client = endpoint.Http2 ? Http2 : Http1;
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !instance.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(endpoint.Url + path, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A probe timed out; try again.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        return false;
    }
}
