using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Images;

public sealed record BuildSpec(
    string Function,
    string Tag,
    BuildContext Context,
    IReadOnlyDictionary<string, string> BuildArgs,
    IReadOnlyDictionary<string, string> Labels);

public sealed record BuiltImage(string Tag, string Id, long SizeBytes);

/// <summary>One build on the engine: tar the context -> build with streamed output -> check the image -> prune.</summary>
public sealed class ImageBuilder(IDockerClient docker, ImagePruner pruner, ILogger<ImageBuilder> logger)
{
    public async Task<BuiltImage> BuildAsync(BuildSpec spec, Action<string> onLine, CancellationToken cancellationToken)
    {
        using var activity = RunnerTelemetry.Source.StartActivity($"build {spec.Function}");
        activity?.SetTag(RunnerTelemetry.FaasName, spec.Function);
        activity?.SetTag(RunnerTelemetry.ContainerImageName, spec.Tag);
        logger.BuildStarted(spec.Function, spec.Tag);
        var started = Stopwatch.GetTimestamp();

        var tarPath = Path.Combine(Path.GetTempPath(), $"mlops-context-{Guid.NewGuid():N}.tar");
        try
        {
            await using (var file = File.Create(tarPath))
            {
                await spec.Context.WriteTarAsync(file, cancellationToken);
            }

            var progress = new BuildProgress(onLine);
            await using (var tar = File.OpenRead(tarPath))
            {
                var parameters = new ImageBuildParameters
                {
                    Tags = [spec.Tag],
                    Dockerfile = "Dockerfile",
                    BuildArgs = new Dictionary<string, string>(spec.BuildArgs),
                    Labels = new Dictionary<string, string>(spec.Labels),
                    Remove = true,
                    ForceRemove = true,
                };
                await docker.Images.BuildImageFromDockerfileAsync(parameters, tar, null, null, progress, cancellationToken);
            }

            progress.Flush();
            // A failed build does not throw: the engine reports it only in the message stream.
            if (progress.Error is { } error)
            {
                logger.BuildFailed(spec.Function, spec.Tag, error);
                activity?.RecordError("build_failed");
                throw RunnerException.FailedPrecondition(
                    $"building the image of '{spec.Function}' failed: {error}\n{string.Join('\n', progress.StepOutput)}");
            }

            var image = await docker.Images.InspectImageAsync(spec.Tag, cancellationToken);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            RunnerTelemetry.BuildDuration.Record(seconds, new KeyValuePair<string, object?>(RunnerTelemetry.FaasName, spec.Function));
            logger.BuildSucceeded(spec.Function, spec.Tag, seconds);

            await pruner.PruneAsync(spec.Function, cancellationToken);
            return new BuiltImage(spec.Tag, image.ID, image.Size);
        }
        catch (DockerImageNotFoundException ex)
        {
            activity?.RecordError("build_failed", ex);
            throw RunnerException.FailedPrecondition($"the build of '{spec.Function}' reported success but produced no image {spec.Tag}");
        }
        finally
        {
            File.Delete(tarPath);
        }
    }
}
