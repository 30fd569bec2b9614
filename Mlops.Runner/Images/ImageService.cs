using System.Diagnostics;
using System.Runtime.CompilerServices;
using Docker.DotNet;
using Mlops.Runner.Functions;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Images;

/// <summary>
/// Gives each function an image for its current contents. Concurrent callers for the same missing image
/// share one build; a failed build is not remembered, so the next caller builds again.
/// </summary>
public sealed class ImageService(
    IDockerClient docker,
    BaseImages baseImages,
    ImageBuilder builder,
    IOptions<ImageOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time) : IImageResolver, IImageDigests
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, BuildJob> _builds = new(StringComparer.Ordinal);

    public async Task<(string Tag, bool Exists)> DescribeAsync(FunctionManifest function, CancellationToken cancellationToken)
    {
        var (_, _, tag) = await CurrentContentsAsync(function, cancellationToken);
        return (tag, await TryInspectAsync(tag, cancellationToken) is not null);
    }

    public async Task<string> ContextDigestAsync(FunctionManifest function, CancellationToken cancellationToken)
    {
        var (_, context, _) = await CurrentContentsAsync(function, cancellationToken);
        return "sha256:" + context.Digest;
    }

    public async IAsyncEnumerable<ImageEvent> EnsureAsync(FunctionManifest function, bool measureLayers, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (bases, context, tag) = await CurrentContentsAsync(function, cancellationToken);

        var lookedAt = Stopwatch.GetTimestamp();
        var existing = await TryInspectAsync(tag, cancellationToken);
        if (existing is not null)
        {
            var layers = measureLayers ? await FunctionLayersBytesAsync(tag, bases, cancellationToken) : (long?)null;
            yield return new ImageReady(tag, existing.Value.Id, existing.Value.Size, CacheHit: true, Stopwatch.GetElapsedTime(started), layers);
            yield break;
        }

        var job = JoinOrStart(new BuildSpec(
            function.Name,
            tag,
            context,
            new Dictionary<string, string>(bases.BuildArgs) { ["MLOPS_FUNCTION"] = function.Name },
            new Dictionary<string, string>
            {
                [Labels.Function] = function.Name,
                [Labels.ContextDigest] = context.Digest,
            }), lookedAt);

        yield return new ImageBuildStarted(tag);
        await foreach (var line in job.Subscribe().ReadAllAsync(cancellationToken))
        {
            yield return new ImageBuildLine(line, time.GetUtcNow());
        }

        var built = await job.Outcome.WaitAsync(cancellationToken);
        var ownLayers = measureLayers ? await FunctionLayersBytesAsync(tag, bases, cancellationToken) : (long?)null;
        yield return new ImageReady(built.Tag, built.Id, built.SizeBytes, CacheHit: false, Stopwatch.GetElapsedTime(started), ownLayers);
    }

    /// <summary>The layers above the first one that belongs to a base image: what the function itself adds.</summary>
    private async Task<long> FunctionLayersBytesAsync(string tag, BaseImages.Resolved bases, CancellationToken cancellationToken)
    {
        var baseIds = bases.DigestInputs.Values.ToHashSet(StringComparer.Ordinal);
        var history = await EngineFailures.GuardAsync(docker, () => docker.Images.GetImageHistoryAsync(tag, cancellationToken));
        return history.TakeWhile(layer => !baseIds.Contains(layer.ID)).Sum(layer => layer.Size);
    }

    /// <summary>The function folder as it is now, the base images in use, and the tag they build to.</summary>
    private async Task<(BaseImages.Resolved Bases, BuildContext Context, string Tag)> CurrentContentsAsync(FunctionManifest function, CancellationToken cancellationToken)
    {
        var bases = await baseImages.ResolveAsync(cancellationToken);
        var context = await BuildContext.ScanAsync(function.Directory, bases.DigestInputs, options.Value.MaxContextBytes, cancellationToken);
        return (bases, context, $"{options.Value.Repository}/{function.Name}:{context.Digest[..16]}");
    }

    private BuildJob JoinOrStart(BuildSpec spec, long lookedAt)
    {
        lock (_sync)
        {
            // A build that finished before this caller looked for the image is stale: the image may
            // have been removed since, so only running builds and ones that finished after the look count.
            if (_builds.TryGetValue(spec.Tag, out var running) &&
                (running.CompletedAt is null || (running.CompletedAt >= lookedAt && running.Outcome.IsCompletedSuccessfully)))
            {
                return running;
            }

            var job = new BuildJob();
            _builds[spec.Tag] = job;
            // The build belongs to the runner, not to the first caller: if that caller goes away the
            // others still get their image, so it runs until the runner stops.
            var build = Task.Run(() => builder.BuildAsync(spec, job.Publish, lifetime.ApplicationStopping));
            build.ContinueWith(
                finished =>
                {
                    job.Complete(finished, Stopwatch.GetTimestamp());
                    if (!finished.IsCompletedSuccessfully)
                    {
                        lock (_sync)
                        {
                            // Only this job's entry: a caller may have started a new build for the tag since.
                            if (_builds.TryGetValue(spec.Tag, out var current) && current == job)
                            {
                                _builds.Remove(spec.Tag);
                            }
                        }
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return job;
        }
    }

    private async Task<(string Id, long Size)?> TryInspectAsync(string tag, CancellationToken cancellationToken)
    {
        try
        {
            var image = await EngineFailures.GuardAsync(docker, () => docker.Images.InspectImageAsync(tag, cancellationToken));
            return (image.ID, image.Size);
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
    }
}
