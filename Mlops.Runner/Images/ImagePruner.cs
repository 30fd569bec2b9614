using Docker.DotNet;
using Docker.DotNet.Models;
using Mlops.Runner.Diagnostics;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Images;

/// <summary>
/// Keeps disk bounded: each multi-stage build leaves its build stage behind as a dangling image (the
/// Dockerfile labels it mlops.build-stage=&lt;function&gt;), and each code change leaves the previous image.
/// The newest build stage is kept (it is the restore cache of the next build), as are the newest few images.
/// </summary>
public sealed class ImagePruner(IDockerClient docker, IOptions<ImageOptions> options, ILogger<ImagePruner> logger)
{
    /// <summary>Best effort: a failure to prune is logged and never fails the build that triggered it.</summary>
    public async Task PruneAsync(string function, CancellationToken cancellationToken)
    {
        try
        {
            var stages = await ListAsync(new() { ["label"] = Set($"{Labels.BuildStage}={function}"), ["dangling"] = Set("true") }, cancellationToken);
            await RemoveAllButNewestAsync(stages, 1, cancellationToken);

            var images = await ListAsync(new() { ["label"] = Set($"{Labels.Function}={function}") }, cancellationToken);
            await RemoveAllButNewestAsync(images, options.Value.KeepImagesPerFunction, cancellationToken);
        }
        catch (Exception ex) when (EngineFailures.IsEngineFailure(ex))
        {
            logger.PruneFailed(ex, function);
        }
    }

    private async Task<IList<ImagesListResponse>> ListAsync(Dictionary<string, IDictionary<string, bool>> filters, CancellationToken cancellationToken) =>
        await docker.Images.ListImagesAsync(new ImagesListParameters { Filters = filters }, cancellationToken);

    private async Task RemoveAllButNewestAsync(IList<ImagesListResponse> images, int keep, CancellationToken cancellationToken)
    {
        foreach (var image in images.OrderByDescending(i => i.Created).Skip(keep))
        {
            try
            {
                await docker.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true }, cancellationToken);
                logger.ImageRemoved(image.RepoTags?.FirstOrDefault() ?? image.ID);
            }
            catch (DockerImageNotFoundException)
            {
                // Removed meanwhile (by a concurrent prune, or by hand).
            }
            catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                // Still used by a container (a running invocation): the next build tries again.
                logger.ImageRemoveFailed(ex, image.ID);
            }
        }
    }

    private static Dictionary<string, bool> Set(string value) => new() { [value] = true };
}
