using System.Diagnostics.CodeAnalysis;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Mlops.Runner.Containers;

internal static class DockerClientFactory
{
    private const DynamicallyAccessedMemberTypes Made = DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicMethods;

    // Docker.DotNet reads the engine's answers with Newtonsoft.Json, which makes the collections of its models
    // (listed from its model types' properties) and its own wrappers around them by reflection: compiled ahead
    // of time, these must be kept by name. Without the first two, the `aux` message at the end of every build
    // could not be read, and Docker.DotNet loses that error: the build never ended.
    [DynamicDependency(Made, typeof(IDictionary<string, object>))]
    [DynamicDependency(Made, typeof(Dictionary<string, object>))]
    [DynamicDependency(Made, typeof(Dictionary<string, EmptyStruct>))]
    [DynamicDependency(Made, typeof(Dictionary<string, bool>))]
    [DynamicDependency(Made, typeof(Dictionary<string, ulong>))]
    [DynamicDependency(Made, typeof(List<byte>))]
    [DynamicDependency(Made, typeof(List<ulong>))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, "Newtonsoft.Json.Utilities.CollectionWrapper`1", "Newtonsoft.Json")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, "Newtonsoft.Json.Utilities.DictionaryWrapper`2", "Newtonsoft.Json")]
    public static IDockerClient Create(ContainerOptions options)
    {
        var address = options.EngineAddress is { Length: > 0 } configured
            ? configured
            : Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";
        // No API version: the client then speaks the engine's own (1.41 on Debian's docker.io); asking for newer is a 400.
        return new DockerClientConfiguration(new Uri(address)).CreateClient();
    }
}
