using Microsoft.Extensions.Configuration;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// An image the app runs as a container on the Docker engine, as Aspire's <c>AddContainer(name, image, tag)</c>:
/// its endpoints are published on 127.0.0.1, it is labelled as this AppHost's, and stopping removes it
/// (its named volumes stay).
/// </summary>
public sealed class ContainerResource(string name, string image, string tag, IConfiguration configuration) : Resource(name, configuration)
{
    public string Image { get; } = image;

    public string Tag { get; } = tag;

    public string ImageReference => $"{Image}:{Tag}";

    /// <summary>The container's command line (its CMD; the image's entrypoint stays).</summary>
    public List<string> Args { get; } = [];

    public List<ContainerMount> Mounts { get; } = [];

    /// <summary>What the AppHost tells the user, after the facts, when the image is neither on the engine nor pullable.</summary>
    public string? MissingImageAdvice { get; private set; }

    /// <summary>Published as 127.0.0.1:<paramref name="port"/> (Endpoints:&lt;resource&gt;:&lt;endpoint&gt;=PORT changes it) from <paramref name="targetPort"/>.</summary>
    public ContainerResource WithHttpEndpoint(string endpointName, int port, int targetPort)
    {
        Endpoints.Add(new Endpoint(endpointName, Configuration.GetValue($"Endpoints:{Name}:{endpointName}", port), Http2: false, targetPort));
        return this;
    }

    public ContainerResource WithArgs(params string[] args)
    {
        Args.AddRange(args);
        return this;
    }

    public ContainerResource WithBindMount(string source, string target, bool isReadOnly = false)
    {
        Mounts.Add(new ContainerMount(Path.GetFullPath(source), target, IsVolume: false, isReadOnly));
        return this;
    }

    /// <summary>A named volume: it outlives the container, so what is kept there survives a stop.</summary>
    public ContainerResource WithVolume(string volumeName, string target, bool isReadOnly = false)
    {
        Mounts.Add(new ContainerMount(volumeName, target, IsVolume: true, isReadOnly));
        return this;
    }

    public ContainerResource WithMissingImageAdvice(string advice)
    {
        MissingImageAdvice = advice;
        return this;
    }
}
