using System.Text.Json;
using Mlops.Runner.Diagnostics;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Registry;

/// <summary>
/// Registered model versions on local disk, at data/model-cache/&lt;name&gt;/&lt;version&gt;-&lt;run&gt;: each is downloaded
/// once, checked against its checksums, and put in place by one rename, so two first uses at once cannot
/// leave a half-written or corrupt copy (the loser's download is thrown away).
/// </summary>
public sealed class ModelCache(IModelRegistry registry, IOptions<RunnerOptions> options)
{
    public const string Folder = "model-cache";

    /// <summary>A download in progress; one left behind is a crash's (see <see cref="Recovery.CrashLeftovers"/>).</summary>
    public const string DownloadPrefix = ".download-";

    private readonly string _root = Path.Combine(options.Value.DataPath, Folder);

    /// <summary>The folder holding the version's files (ready to copy, never to modify).</summary>
    public async Task<string> GetAsync(ModelVersion version, CancellationToken cancellationToken)
    {
        using var span = RunnerTelemetry.Source.StartActivity("registry fetch model");
        span?.SetTag(RunnerTelemetry.ModelUri, version.Uri);
        span?.SetTag(RunnerTelemetry.RegistryBackend, registry.Backend);
        // The run id too: a model deleted and registered again in MLflow restarts at version 1.
        // Validated again: with MLflow these come from a server's answer, and they become a path here.
        var name = RegistryNames.Model(version.Name, "model_name");
        var runId = RegistryNames.RunId(version.RunId, "run_id");
        var target = Path.Combine(_root, name, $"{version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)}-{runId}");
        if (Directory.Exists(target))
        {
            span?.SetTag(RunnerTelemetry.CacheHit, true);
            return target;
        }

        span?.SetTag(RunnerTelemetry.CacheHit, false);
        var download = Path.Combine(_root, name, $"{DownloadPrefix}{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(download);
            await DownloadAsync(version, download, cancellationToken);
            try
            {
                Directory.Move(download, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another invocation put the same version in place first; its copy is as good as ours.
            }

            return target;
        }
        finally
        {
            if (Directory.Exists(download))
            {
                Directory.Delete(download, recursive: true);
            }
        }
    }

    private async Task DownloadAsync(ModelVersion version, string directory, CancellationToken cancellationToken)
    {
        var prefix = version.ArtifactPath + "/";
        var files = await registry.ListArtifactsAsync(version.RunId, version.ArtifactPath, cancellationToken);
        using var checksumFile = new MemoryStream();
        await registry.DownloadArtifactAsync(version.RunId, ModelChecksums.ArtifactPathFor(version.ArtifactPath), checksumFile, cancellationToken);
        SortedDictionary<string, string> expected;
        try
        {
            expected = ModelChecksums.Deserialize(checksumFile.ToArray());
        }
        catch (JsonException ex)
        {
            throw RunnerException.FailedPrecondition($"{version.Uri}: its checksum file is unreadable ({ex.Message})");
        }

        foreach (var file in files)
        {
            var relative = file[prefix.Length..];
            var local = Path.Combine(directory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            await using var stream = File.Create(local);
            await registry.DownloadArtifactAsync(version.RunId, file, stream, cancellationToken);
        }

        var actual = await ModelChecksums.ComputeAsync(directory, cancellationToken);
        if (!actual.SequenceEqual(expected))
        {
            throw RunnerException.FailedPrecondition($"{version.Uri}: the downloaded files do not match their checksums; the stored model is damaged");
        }
    }
}
