using System.Globalization;
using Docker.DotNet.Models;

namespace Mlops.AppHost.Hosting;

/// <summary>What the engine is asked to create for a container resource: its ports published on loopback only, labelled as this AppHost's.</summary>
internal static class ContainerCreateParameters
{
    public static CreateContainerParameters For(ContainerResource resource, string containerName, ContainerOwner owner, IReadOnlyDictionary<string, string> environment) => new()
    {
        Name = containerName,
        Image = resource.ImageReference,
        Cmd = resource.Args.Count > 0 ? [.. resource.Args] : null,
        Env = environment.Select(pair => $"{pair.Key}={pair.Value}").ToList(),
        Labels = owner.Labels(resource.Name),
        AttachStdout = true,
        AttachStderr = true,
        ExposedPorts = resource.Endpoints.ToDictionary(PortKey, _ => new EmptyStruct()),
        HostConfig = new HostConfig
        {
            // Never 0.0.0.0, and never reached by its bridge address: the published port on 127.0.0.1 is the way in.
            PortBindings = resource.Endpoints.ToDictionary(PortKey, endpoint => (IList<PortBinding>)
                [new PortBinding { HostIP = "127.0.0.1", HostPort = endpoint.Port.ToString(CultureInfo.InvariantCulture) }]),
            Mounts = resource.Mounts.Select(mount => new Mount
            {
                Type = mount.IsVolume ? "volume" : "bind",
                Source = mount.Source,
                Target = mount.Target,
                ReadOnly = mount.IsReadOnly,
            }).ToList(),
        },
    };

    private static string PortKey(Endpoint endpoint) => $"{endpoint.TargetPort ?? endpoint.Port}/tcp";
}
