using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using Mlops.Runner.Diagnostics;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Images;

public sealed record BuildSpec(
    string Function,
    string Tag,
    BuildContext Context,
    IReadOnlyDictionary<string, string> BuildArgs,
    IReadOnlyDictionary<string, string> Labels);

public sealed record BuiltImage(string Tag, string Id, long SizeBytes);

/// <summary>One build on the engine: tar the context -> build with streamed output -> check the image -> prune.</summary>
public sealed class ImageBuilder(IDockerClient docker, ImagePruner pruner, IOptions<ImageOptions> options, ILogger<ImageBuilder> logger)
{
    /// <summary>Build contexts are tarred to temp files named so.</summary>
    public const string ContextTarPrefix = "mlops-context-";

    /// <summary>The most of a failed build's output that goes into its error message (its end matters most).</summary>
    private const int MaxFailureOutput = 8 * 1024;

    public async Task<BuiltImage> BuildAsync(BuildSpec spec, Action<string> onLine, CancellationToken cancellationToken)
    {
        using var activity = RunnerTelemetry.Source.StartActivity($"build {spec.Function}");
        activity?.SetTag(RunnerTelemetry.FaasName, spec.Function);
        activity?.SetTag(RunnerTelemetry.ContainerImageName, spec.Tag);
        logger.BuildStarted(spec.Function, spec.Tag);
        var started = Stopwatch.GetTimestamp();

        var limit = TimeSpan.FromMinutes(options.Value.BuildTimeoutMinutes);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            var progress = await RunBuildAsync(spec, onLine, timeout.Token);
            // A failed build does not throw: the engine reports it only in the message stream.
            if (progress.Error is { } error)
            {
                logger.BuildFailed(spec.Function, spec.Tag, error);
                activity?.RecordError("build_failed");
                var output = string.Join('\n', progress.StepOutput);
                throw RunnerException.FailedPrecondition(
                    $"building the image of '{spec.Function}' failed: {error}\n{(output.Length > MaxFailureOutput ? "..." + output[^MaxFailureOutput..] : output)}");
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            activity?.RecordError("timeout", ex);
            throw new RunnerException(ErrorKind.DeadlineExceeded, $"building the image of '{spec.Function}' took longer than {limit.TotalMinutes:0} min and was stopped");
        }
        catch (Exception ex) when (EngineFailures.IsEngineFailure(ex) && !StorageFailures.IsDiskFull(ex))
        {
            activity?.RecordError("engine_unavailable", ex);
            throw EngineFailures.Unavailable(docker, ex);
        }

        ImageInspectResponse image;
        try
        {
            image = await EngineFailures.GuardAsync(docker, () => docker.Images.InspectImageAsync(spec.Tag, cancellationToken));
        }
        catch (DockerImageNotFoundException ex)
        {
            activity?.RecordError("build_failed", ex);
            throw RunnerException.FailedPrecondition($"the build of '{spec.Function}' reported success but produced no image {spec.Tag}");
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        RunnerTelemetry.BuildDuration.Record(seconds, new KeyValuePair<string, object?>(RunnerTelemetry.FaasName, spec.Function));
        logger.BuildSucceeded(spec.Function, spec.Tag, seconds);
        await pruner.PruneAsync(spec.Function, cancellationToken);
        return new BuiltImage(spec.Tag, image.ID, image.Size);
    }

    private async Task<BuildProgress> RunBuildAsync(BuildSpec spec, Action<string> onLine, CancellationToken cancellationToken)
    {
        var tarPath = Path.Combine(Path.GetTempPath(), $"{ContextTarPrefix}{Guid.NewGuid():N}.tar");
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
            return progress;
        }
        finally
        {
            File.Delete(tarPath);
        }
    }
}
