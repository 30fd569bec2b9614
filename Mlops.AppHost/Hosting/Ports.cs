using Microsoft.Extensions.Configuration;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// Every port the app listens on is fixed, on 127.0.0.1, and can be moved with Endpoints:&lt;resource&gt;:&lt;endpoint&gt;=PORT
/// (e.g. --Endpoints:gateway:http=6080), for resources and the dashboard alike.
/// </summary>
public static class Ports
{
    public const string Loopback = "127.0.0.1";

    public static int Port(this IConfiguration configuration, string resource, string endpoint, int defaultPort) =>
        configuration.GetValue($"Endpoints:{resource}:{endpoint}", defaultPort);

    public static string LoopbackUrl(int port) => $"http://{Loopback}:{port}";
}
