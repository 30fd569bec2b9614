using System.Collections.Concurrent;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Containers.Swarm;

/// <summary>
/// Function images as every node can pull them: the manager builds an image as before, and here it is tagged into
/// the swarm's registry (by its id, so one image is pushed once) and pushed. Layers a node has already are not pulled again.
/// </summary>
internal sealed class SwarmImages(IDockerClient docker, IOptions<SwarmOptions> options, ILogger<SwarmImages> logger)
{
    private const string Repository = "mlops-functions";
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _pushed = new(StringComparer.Ordinal);

    /// <summary>The registry name of local image <paramref name="image"/> (whose id is <paramref name="id"/>), pushed there if it was not yet.</summary>
    public async Task<string> PushedAsync(string image, string id, CancellationToken cancellationToken)
    {
        var tag = id.Replace("sha256:", "", StringComparison.Ordinal)[..32];
        var lazy = _pushed.GetOrAdd(tag, _ => new Lazy<Task<string>>(() => PushAsync(image, tag)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            // A failed push is not remembered: the next invocation tries again.
            _pushed.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(tag, lazy));
            throw;
        }
    }

    private async Task<string> PushAsync(string image, string tag)
    {
        var repository = $"{options.Value.Registry}/{Repository}";
        var name = $"{repository}:{tag}";
        string? error = null;
        // Not the caller's token: the push is shared by every invocation of the image that asks meanwhile.
        await docker.Images.TagImageAsync(image, new ImageTagParameters { RepositoryName = repository, Tag = tag }, CancellationToken.None);
        var started = TimeProvider.System.GetTimestamp();
        await docker.Images.PushImageAsync(name, new ImagePushParameters { Tag = tag }, new AuthConfig(),
            new Reporter(message => error ??= string.IsNullOrEmpty(message.ErrorMessage) ? null : message.ErrorMessage.Trim()), CancellationToken.None);
        if (error is not null)
        {
            throw new RunnerException(ErrorKind.Unavailable, $"the swarm's registry {options.Value.Registry} did not take image {image}: {error}");
        }

        logger.ImagePushed(image, name, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
        return name;
    }

    private sealed class Reporter(Action<JSONMessage> report) : IProgress<JSONMessage>
    {
        public void Report(JSONMessage value) => report(value);
    }
}
