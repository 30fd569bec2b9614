using Microsoft.Extensions.Options;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Storage;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// Content-addressed artifacts at data/pipelines/artifacts/&lt;hex&gt;/: each put once (copied aside, digested, made
/// read-only, published by one rename; a digest already there is reused), bounded by Pipelines:ArtifactsMb. Past the
/// budget the least recently used go first, never one a running step holds (<see cref="Hold"/>).
/// </summary>
public sealed class ArtifactStore : IArtifactStore
{
    public const string Folder = "pipelines/artifacts";

    /// <summary>A put or a removal in progress; one left behind is a crash's, removed at the next start.</summary>
    private const string WorkPrefix = ".work-";

    private const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly string _root;
    private readonly long _budget;
    private readonly TimeProvider _time;
    private readonly ILogger<ArtifactStore> _logger;

    /// <summary>A use, a hold and a removal of the same artifact never interleave.</summary>
    private readonly Lock _use = new();

    private readonly Lock _evicting = new();
    private readonly Dictionary<string, int> _holds = new(StringComparer.Ordinal);

    public ArtifactStore(IOptions<RunnerOptions> runner, IOptions<PipelineOptions> options, TimeProvider time, ILogger<ArtifactStore> logger)
    {
        _root = Path.Combine(runner.Value.DataPath, Folder);
        _budget = options.Value.ArtifactsMb * 1024L * 1024L;
        _time = time;
        _logger = logger;
        Directory.CreateDirectory(_root);
        foreach (var leftover in Directory.EnumerateDirectories(_root, WorkPrefix + "*"))
        {
            Remove(leftover);
        }
    }

    /// <summary>The folder of a stored artifact (read-only files; never to modify).</summary>
    public string PathOf(string digest) =>
        ArtifactDigest.IsValid(digest)
            ? Path.Combine(_root, digest[ArtifactDigest.Prefix.Length..])
            : throw RunnerException.FailedPrecondition($"'{Bounded.Text(digest, Bounded.NameLength)}' is not an artifact digest (sha256:<64 hex digits>)");

    public bool ContainsAll(IEnumerable<string> digests)
    {
        lock (_use)
        {
            return digests.All(TryUse);
        }
    }

    /// <summary>Holds the artifacts until the lease is disposed: eviction spares them. NotFound when one is not stored.</summary>
    public ArtifactLease Hold(IEnumerable<string> digests)
    {
        var lease = new ArtifactLease(this);
        try
        {
            foreach (var digest in digests)
            {
                lease.Add(digest, mustExist: true);
            }

            return lease;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stores a copy of a folder someone else wrote (plain files and folders only, never through a link) and answers
    /// its digest; the artifact is held by <paramref name="lease"/> from the moment it is stored.
    /// </summary>
    /// <param name="name">The artifact's name, for errors.</param>
    public async Task<string> PutAsync(string name, string source, ArtifactLease lease, CancellationToken cancellationToken)
    {
        var work = Path.Combine(_root, $"{WorkPrefix}{Guid.NewGuid():N}");
        try
        {
            string digest;
            try
            {
                await UntrustedFile.CopyTreeAsync(source, work, _budget, cancellationToken);
                digest = await ArtifactDigest.ComputeAsync(work, cancellationToken);
            }
            catch (IOException ex)
            {
                throw RunnerException.FailedPrecondition($"the artifact '{name}' cannot be stored: {ex.Message}");
            }

            MakeReadOnly(work);
            var target = PathOf(digest);
            lock (_use)
            {
                if (!TryUse(digest))
                {
                    DurableFile.FlushTree(work);
                    Directory.Move(work, target);
                    TryUse(digest);
                }

                lease.Add(digest, mustExist: true);
            }

            Evict();
            return digest;
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Remove(work);
            }
        }
    }

    /// <summary>Puts a stored artifact's files into <paramref name="target"/>: hard links where the file system allows, copies otherwise.</summary>
    public void Stage(string digest, string target)
    {
        var source = PathOf(digest);
        foreach (var relative in ArtifactDigest.Files(source))
        {
            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            HardLink.LinkOrCopy(Path.Combine(source, relative), destination);
        }
    }

    internal bool TryHold(string digest, bool mustExist)
    {
        lock (_use)
        {
            if (mustExist && !Directory.Exists(PathOf(digest)))
            {
                return false;
            }

            _holds[digest] = _holds.GetValueOrDefault(digest) + 1;
            return true;
        }
    }

    internal void Release(string digest)
    {
        lock (_use)
        {
            if (_holds.TryGetValue(digest, out var count) && count > 1)
            {
                _holds[digest] = count - 1;
            }
            else
            {
                _holds.Remove(digest);
            }
        }
    }

    /// <summary>Marks a stored artifact used now (the folder's time is what eviction goes by); false when it is not stored.</summary>
    private bool TryUse(string digest)
    {
        var folder = PathOf(digest);
        if (!Directory.Exists(folder))
        {
            return false;
        }

        Directory.SetLastWriteTimeUtc(folder, _time.GetUtcNow().UtcDateTime);
        return true;
    }

    private void Evict()
    {
        lock (_evicting)
        {
            var stored = new DirectoryInfo(_root).EnumerateDirectories().Where(folder => !folder.Name.StartsWith(WorkPrefix, StringComparison.Ordinal));
            foreach (var (folder, bytes) in LeastRecentlyUsed.Trim(stored, _budget, TryEvict))
            {
                _logger.ArtifactEvicted(ArtifactDigest.Prefix + folder.Name, bytes);
            }
        }
    }

    /// <summary>Takes an artifact out by one rename, unless it is held or was used since it was listed; deletes it outside the lock.</summary>
    private bool TryEvict(DirectoryInfo folder)
    {
        var listed = folder.LastWriteTimeUtc;
        var doomed = Path.Combine(_root, $"{WorkPrefix}{Guid.NewGuid():N}");
        lock (_use)
        {
            folder.Refresh();
            if (_holds.ContainsKey(ArtifactDigest.Prefix + folder.Name) || !folder.Exists || folder.LastWriteTimeUtc != listed)
            {
                return false;
            }

            folder.MoveTo(doomed);
        }

        Remove(doomed);
        return true;
    }

    private void Remove(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.ArtifactNotRemoved(ex, folder);
        }
    }

    private static void MakeReadOnly(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, ReadOnly);
        }
    }
}
