using Docker.DotNet;

namespace Mlops.Runner.Containers;

internal static class DockerClientFactory
{
    public static IDockerClient Create(ContainerOptions options)
    {
        var endpoint = options.DockerEndpoint is { Length: > 0 } configured
            ? configured
            : Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";
        // No API version: the client then speaks the engine's own (1.41 on Debian's docker.io); asking for newer is a 400.
        return new DockerClientConfiguration(new Uri(endpoint)).CreateClient();
    }
}
