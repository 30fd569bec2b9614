using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mlops.AppHost.Hosting;

public static class StartupSummary
{
    /// <summary>
    /// Once the front door is ready (it waits for everything else), says where everything listens and where the
    /// admin key is: its file, and on the start that created it the command that shows it. Never the key itself:
    /// this summary is a log record, and logs travel (to the dashboard, to OTLP, to files). Aspire prints the
    /// dashboard's login URL.
    /// </summary>
    public static IResourceBuilder<T> SummarizesWhenReady<T>(this IResourceBuilder<T> frontDoor, AppSecrets? secrets)
        where T : IResource
    {
        if (secrets is null)
        {
            return frontDoor;
        }

        var builder = frontDoor.ApplicationBuilder;
        builder.Eventing.Subscribe<ResourceReadyEvent>(frontDoor.Resource, (ready, _) =>
        {
            var model = ready.Services.GetRequiredService<DistributedApplicationModel>();
            var ports = model.Resources.OfType<IResourceWithEndpoints>()
                .SelectMany(resource => resource.Annotations.OfType<EndpointAnnotation>().Select(endpoint => (resource.Name, endpoint.Name, endpoint.Port)));
            var text = Text(ports, secrets);
            ready.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mlops.AppHost").LogInformation("{Summary}", text);
            return Task.CompletedTask;
        });
        return frontDoor;
    }

    /// <summary>The summary's text: every port's address, and where the keys are (never a key).</summary>
    public static string Text(IEnumerable<(string Resource, string Name, int? Port)> ports, AppSecrets secrets)
    {
        var text = new StringBuilder("Everything is up:").AppendLine();
        foreach (var (resource, name, port) in ports)
        {
            text.AppendLine($"  {resource,-16} {name,-9} http://{Ports.Loopback}:{port}");
        }

        text.AppendLine($"  admin key                  in {secrets.AdminKeyPath}");
        if (secrets.AdminKeyCreated)
        {
            text.AppendLine($"  (new; to see it)           cat {secrets.AdminKeyPath}");
        }

        return text.Append($"  dashboard's telemetry API  key in {secrets.DashboardKeyPath} (X-API-Key for /api/telemetry/...)").ToString();
    }
}
