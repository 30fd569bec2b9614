using Microsoft.Extensions.Configuration;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// Every port the app listens on is fixed, on 127.0.0.1, and can be moved with Ports:&lt;resource&gt;:&lt;name&gt;=PORT
/// (e.g. --Ports:gateway:http=6080), for resources and the dashboard alike.
/// </summary>
public static class Ports
{
    public const string Loopback = "127.0.0.1";

    public const string SectionName = "Ports";

    /// <summary>The section's name before it was Ports, still read when Ports does not say.</summary>
    public const string FormerSectionName = "Endpoints";

    /// <param name="portName">The name the resource gives the port (Aspire's endpoint name): http, grpc, otlp...</param>
    public static int Port(this IConfiguration configuration, string resource, string portName, int defaultPort) =>
        configuration.GetValue<int?>($"{SectionName}:{resource}:{portName}")
        ?? configuration.GetValue($"{FormerSectionName}:{resource}:{portName}", defaultPort);

    public static string LoopbackUrl(int port) => $"http://{Loopback}:{port}";
}
