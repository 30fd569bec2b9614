using Docker.DotNet;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Images;

/// <summary>The configured offline base images that exist on the engine, as build args.</summary>
public sealed class BaseImages(IDockerClient docker, IOptions<ImageOptions> options)
{
    /// <param name="BuildArgs">arg -> image reference, for the build.</param>
    /// <param name="DigestInputs">arg -> image id, so that a rebuilt base image gives new function images.</param>
    public sealed record Resolved(IReadOnlyDictionary<string, string> BuildArgs, IReadOnlyDictionary<string, string> DigestInputs);

    public async Task<Resolved> ResolveAsync(CancellationToken cancellationToken)
    {
        var buildArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        var digestInputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (arg, image) in options.Value.BaseImages)
        {
            try
            {
                var inspected = await EngineFailures.GuardAsync(docker, () => docker.Images.InspectImageAsync(image, cancellationToken));
                buildArgs[arg] = image;
                digestInputs[arg] = inspected.ID;
            }
            catch (DockerImageNotFoundException)
            {
                // Not built here: the Dockerfile's default (the public image) applies.
                digestInputs[arg] = "default";
            }
        }

        return new Resolved(buildArgs, digestInputs);
    }
}
