using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Mlops.AppHost.Hosting;

namespace Mlops.AppHost.Watching;

public static class RunnerApiExtensions
{
    /// <summary>
    /// Readies the dashboard to mirror what the runner keeps (endpoints, pipeline runs): the runner's API with the
    /// admin key, once for all of them. Only a run mirrors (publishing starts nothing, and makes no key): null then;
    /// else the front door's URL, for the links the resources show.
    /// </summary>
    public static string? MirrorsRunner(this IDistributedApplicationBuilder builder, IResourceBuilder<ExecutableResource> runner,
        IResourceBuilder<NginxResource> frontDoor, AppSecrets? secrets)
    {
        if (!builder.ExecutionContext.IsRunMode || secrets is null)
        {
            return null;
        }

        var grpc = runner.Resource.GetEndpoint("grpc");
        builder.Services.TryAddSingleton(_ => new RunnerApi(() => new Uri(grpc.Url), secrets.AdminKeyPath));
        return Ports.LoopbackUrl(NginxResource.PortOf(frontDoor.Resource, NginxResource.HttpPortName));
    }
}
