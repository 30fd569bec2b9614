using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mlops.AppHost.Hosting;

public static class StartupSummary
{
    /// <summary>
    /// Once the front door is ready (it waits for everything else), says where everything listens and where the
    /// admin key is — the key itself only on the start that created it. Aspire prints the dashboard's login URL.
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
            var text = new StringBuilder("Everything is up:").AppendLine();
            foreach (var resource in model.Resources.OfType<IResourceWithEndpoints>())
            {
                foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
                {
                    text.AppendLine($"  {resource.Name,-16} {endpoint.Name,-9} http://{Ports.Loopback}:{endpoint.Port}");
                }
            }

            text.AppendLine(secrets.AdminKeyCreated
                ? $"  admin key                  {secrets.AdminKey} (new; shown this once, kept in {secrets.AdminKeyPath})"
                : $"  admin key                  in {secrets.AdminKeyPath}");
            text.Append($"  dashboard's telemetry API  key in {secrets.DashboardKeyPath} (X-API-Key for /api/telemetry/...)");
            ready.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mlops.AppHost").LogInformation("{Summary}", text.ToString());
            return Task.CompletedTask;
        });
        return frontDoor;
    }
}
