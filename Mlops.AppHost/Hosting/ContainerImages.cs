using Docker.DotNet;
using Docker.DotNet.Models;

namespace Mlops.AppHost.Hosting;

/// <summary>Makes sure a container resource's image is on the engine: there already, or pulled; else says what to do.</summary>
internal static class ContainerImages
{
    public static async Task EnsureAsync(IDockerClient docker, ContainerResource resource, CancellationToken cancellationToken)
    {
        if (await ExistsAsync(docker, resource.ImageReference, cancellationToken))
        {
            return;
        }

        Console.WriteLine($"apphost  | {resource.Name}: {resource.ImageReference} is not on the Docker engine; pulling it");
        var errors = new PullErrors();
        string? why;
        try
        {
            await docker.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = resource.Image, Tag = resource.Tag }, null, errors, cancellationToken);
            why = errors.First;
        }
        catch (DockerApiException ex)
        {
            // The engine refuses at once when the registry cannot be reached (no such host, no route).
            why = EngineError.Message(ex);
        }

        if (why is null && await ExistsAsync(docker, resource.ImageReference, cancellationToken))
        {
            return;
        }

        throw new StartException(
            $"{resource.Name}: the image {resource.ImageReference} is not on the Docker engine and could not be pulled ({why ?? "the pull ended without it"}). " +
            "Nothing was started." + (resource.MissingImageAdvice is { } advice ? Environment.NewLine + advice : ""));
    }

    private static async Task<bool> ExistsAsync(IDockerClient docker, string reference, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Images.InspectImageAsync(reference, cancellationToken);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    /// <summary>A pull that fails part-way does not throw: the error is only in a progress message. Synchronous, so none is lost.</summary>
    private sealed class PullErrors : IProgress<JSONMessage>
    {
        public string? First { get; private set; }

        public void Report(JSONMessage value)
        {
            First ??= value.Error?.Message is { Length: > 0 } error ? error : value.ErrorMessage is { Length: > 0 } message ? message : null;
        }
    }
}
