using Mlops.Runner.Diagnostics;
using Mlops.Runner.Storage;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Registry;

/// <summary>
/// Registered model versions on local disk, at data/model-cache/&lt;name&gt;/&lt;version&gt;-&lt;run&gt;: each is downloaded
/// once, checked against the digests the runner keeps (<see cref="ModelDigests"/>), and put in place by one rename, so two first uses at once cannot
/// leave a half-written or corrupt copy (the loser's download is thrown away).
/// </summary>
public sealed class ModelCache(IModelRegistry registry, ModelDigests digests, IOptions<RunnerOptions> options, TimeProvider time, ILogger<ModelCache> logger)
{
    /// <summary>A version used this recently stays, whatever the budget says: an invocation or a replica may be reading it.</summary>
    private static readonly TimeSpan InUse = TimeSpan.FromMinutes(10);

    public const string Folder = "model-cache";

    /// <summary>A download in progress; one left behind is a crash's (see <see cref="Recovery.CrashLeftovers"/>).</summary>
    public const string DownloadPrefix = ".download-";

    private readonly string _root = Path.Combine(options.Value.DataPath, Folder);

    /// <summary>A use and an eviction of the same version never interleave.</summary>
    private readonly Lock _use = new();

    private readonly Lock _evicting = new();

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
        if (TryUse(target))
        {
            // Re-checked at every use: a crash or a full disk may have cut a file short since it was put in place.
            if (CachedModelSizes.Match(target))
            {
                span?.SetTag(RunnerTelemetry.CacheHit, true);
                return target;
            }

            logger.CachedModelDamaged(target);
            Discard(target);
        }

        span?.SetTag(RunnerTelemetry.CacheHit, false);
        var download = Path.Combine(_root, name, $"{DownloadPrefix}{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(download);
            await DownloadAsync(version, download, cancellationToken);
            // On disk, with the sizes it is checked by, before the rename that publishes it.
            DurableFile.FlushTree(download);
            CachedModelSizes.Record(download, target);
            try
            {
                Directory.Move(download, target);
                DurableFile.FlushFolder(Path.GetDirectoryName(target)!);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another invocation put the same version in place first; its copy is as good as ours.
            }

            TryUse(target);
            Evict();
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

    /// <summary>Marks a cached version used now (the folder's time is what eviction goes by); false when it is not cached.</summary>
    private bool TryUse(string folder)
    {
        lock (_use)
        {
            if (!Directory.Exists(folder))
            {
                return false;
            }

            Directory.SetLastWriteTimeUtc(folder, time.GetUtcNow().UtcDateTime);
            return true;
        }
    }

    /// <summary>Takes a damaged version out of the cache by one rename (its users keep what they opened), then deletes it.</summary>
    private void Discard(string folder)
    {
        var doomed = Path.Combine(Path.GetDirectoryName(folder)!, $"{DownloadPrefix}damaged-{Guid.NewGuid():N}");
        lock (_use)
        {
            if (!Directory.Exists(folder))
            {
                return;
            }

            Directory.Move(folder, doomed);
            CachedModelSizes.Forget(folder);
        }

        LinkSafeDelete.Remove(doomed);
    }

    /// <summary>Removes the least recently used versions until the cache fits its budget, sparing those in use.</summary>
    private void Evict()
    {
        // One eviction at a time: two downloads finishing together must not measure what the other deletes.
        lock (_evicting)
        {
            var versions = Directory.EnumerateDirectories(_root)
                .SelectMany(model => new DirectoryInfo(model).EnumerateDirectories().Where(v => !v.Name.StartsWith(DownloadPrefix, StringComparison.Ordinal)));
            var spared = time.GetUtcNow().UtcDateTime - InUse;
            var evicted = LeastRecentlyUsed.Trim(
                versions, options.Value.ModelCacheMb * 1024L * 1024L, folder => folder.LastWriteTimeUtc < spared && TryEvict(folder, spared));
            foreach (var (folder, bytes) in evicted)
            {
                logger.CachedModelEvicted(folder.FullName, bytes);
            }
        }
    }

    /// <summary>
    /// Takes the version out of the cache by one rename, under the use lock (a use since the listing spares it),
    /// then deletes it outside the lock: cache hits never wait on a delete.
    /// </summary>
    private bool TryEvict(DirectoryInfo folder, DateTime spared)
    {
        var doomed = Path.Combine(folder.Parent!.FullName, $"{DownloadPrefix}evicted-{Guid.NewGuid():N}");
        try
        {
            lock (_use)
            {
                folder.Refresh();
                if (!folder.Exists || folder.LastWriteTimeUtc >= spared)
                {
                    return false;
                }

                var original = folder.FullName;
                folder.MoveTo(doomed);
                CachedModelSizes.Forget(original);
            }

            Directory.Delete(doomed, recursive: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // What could not be deleted now is a download leftover (its prefix): the next start removes it.
            logger.CachedModelKept(ex, folder.FullName);
            return false;
        }
    }

    private async Task DownloadAsync(ModelVersion version, string directory, CancellationToken cancellationToken)
    {
        var prefix = version.ArtifactPath + "/";
        var root = Path.GetFullPath(directory) + Path.DirectorySeparatorChar;
        foreach (var file in await registry.ListArtifactsAsync(version.RunId, version.ArtifactPath, cancellationToken))
        {
            // The names come from the registry (MLflow: a peer): each must be a plain relative path that stays in the download folder.
            var relative = file.StartsWith(prefix, StringComparison.Ordinal) ? file[prefix.Length..] : file;
            var local = Path.GetFullPath(Path.Combine(directory, relative));
            if (!file.StartsWith(prefix, StringComparison.Ordinal) || !RegistryNames.IsArtifactPath(relative) || !local.StartsWith(root, StringComparison.Ordinal))
            {
                throw RunnerException.FailedPrecondition(
                    $"{version.Uri}: the registry lists an artifact '{Bounded.Text(file, Bounded.NameLength)}' that is not a file of the model's folder; the model is refused");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            // CreateNew: never onto something already there, never through a link.
            await using var stream = new FileStream(local, FileMode.CreateNew, FileAccess.Write);
            await registry.DownloadArtifactAsync(version.RunId, file, stream, cancellationToken);
        }

        var actual = await ModelChecksums.ComputeAsync(directory, cancellationToken);
        if (await digests.GetAsync(version, cancellationToken) is not { } kept)
        {
            // Registered elsewhere (or before the runner kept digests): its first download is what vouches for it from now on.
            await digests.KeepAsync(version, actual, cancellationToken);
            return;
        }

        if (!actual.SequenceEqual(kept))
        {
            throw RunnerException.FailedPrecondition(
                $"{version.Uri}: the downloaded files differ from the digests the runner kept when it registered or first fetched it; the stored model was changed or damaged");
        }
    }
}
