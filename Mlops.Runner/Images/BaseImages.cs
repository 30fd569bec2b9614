using Docker.DotNet;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Images;

/// <summary>
/// The configured offline base images that exist on the engine, as build args. Looked up at most once every
/// <see cref="Freshness"/>: each is an engine round trip, every invocation resolves its image, and base images
/// change only when the bootstrap remakes them (a remade one is seen within that time).
/// </summary>
public sealed class BaseImages(IDockerClient docker, IOptions<ImageOptions> options, TimeProvider time)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);

    private (Resolved Images, DateTimeOffset At)? _last;

    /// <param name="BuildArgs">arg -> image reference, for the build.</param>
    /// <param name="DigestInputs">arg -> image id, so that a rebuilt base image gives new function images.</param>
    public sealed record Resolved(IReadOnlyDictionary<string, string> BuildArgs, IReadOnlyDictionary<string, string> DigestInputs);

    public async Task<Resolved> ResolveAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_last is { } last && now - last.At < Freshness)
        {
            return last.Images;
        }

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

        var resolved = new Resolved(buildArgs, digestInputs);
        _last = (resolved, now);
        return resolved;
    }
}
