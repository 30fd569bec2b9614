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

    public static async Task<bool> WaitHealthyAsync(Endpoint endpoint, string path, ResourceProcess process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var client = endpoint.Http2 ? Http2 : Http1;
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
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
