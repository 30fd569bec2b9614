using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;

namespace Mlops.Runner.Images;

/// <summary>
/// The files of a function folder that go into its image (after .dockerignore) and a digest of them and
/// of the build arguments: the digest names the image, so unchanged inputs never rebuild and any change does.
/// </summary>
public sealed class BuildContext
{
    private static readonly DateTimeOffset FixedTime = DateTimeOffset.UnixEpoch;

    // As with the Docker CLI, these are sent even when .dockerignore lists them.
    private static readonly HashSet<string> AlwaysSent = ["Dockerfile", ".dockerignore"];

    private readonly IReadOnlyDictionary<string, string> _digestInputs;
    private readonly long _maxBytes;
    private long _total;

    private BuildContext(string directory, IReadOnlyList<string> files, IReadOnlyDictionary<string, string> digestInputs, long maxBytes)
    {
        Directory = directory;
        Files = files;
        _digestInputs = digestInputs;
        _maxBytes = maxBytes;
    }

    public string Directory { get; }

    /// <summary>'/'-separated paths relative to <see cref="Directory"/>, in ordinal order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Lowercase hex SHA-256.</summary>
    public string Digest { get; private set; } = "";

    public static async Task<BuildContext> ScanAsync(
        string directory, IReadOnlyDictionary<string, string> digestInputs, long maxBytes, CancellationToken cancellationToken)
    {
        var ignore = await DockerIgnore.ForDirectoryAsync(directory, cancellationToken);
        var files = new List<string>();
        Collect(directory, "", ignore, files);
        files.Sort(StringComparer.Ordinal);

        if (!files.Contains("Dockerfile"))
        {
            throw RunnerException.FailedPrecondition($"'{Path.GetFileName(directory)}' has no Dockerfile");
        }

        var context = new BuildContext(directory, files, digestInputs, maxBytes);
        using var digest = context.StartDigest();
        var buffer = new byte[81920];
        foreach (var relative in files)
        {
            await using var stream = context.Open(relative);
            using var fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                fileHash.AppendData(buffer, 0, read);
                length += read;
            }

            context.AddToDigest(digest, relative, length, fileHash.GetHashAndReset());
        }

        context.Digest = Convert.ToHexStringLower(digest.GetHashAndReset());
        return context;
    }

    /// <summary>
    /// Writes the files as an uncompressed tar (root-owned, fixed timestamps, modes kept), hashing them
    /// again on the way: a folder that changed since the scan would give an image under the wrong name.
    /// </summary>
    public async Task WriteTarAsync(Stream destination, CancellationToken cancellationToken)
    {
        using var digest = StartDigest();
        await using (var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var relative in Files)
            {
                var content = await ReadAsync(relative, cancellationToken);

                AddToDigest(digest, relative, content.Length, SHA256.HashData(content));
                var entry = new PaxTarEntry(TarEntryType.RegularFile, relative)
                {
                    Mode = ModeOf(Path.Combine(Directory, relative)),
                    ModificationTime = FixedTime,
                    Uid = 0,
                    Gid = 0,
                    DataStream = new MemoryStream(content, writable: false),
                };
                await writer.WriteEntryAsync(entry, cancellationToken);
            }
        }

        if (Convert.ToHexStringLower(digest.GetHashAndReset()) != Digest)
        {
            throw RunnerException.FailedPrecondition($"'{Path.GetFileName(Directory)}' changed while its image was being built; try again");
        }
    }

    private IncrementalHash StartDigest()
    {
        _total = 0;
        var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (key, value) in _digestInputs.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            digest.AppendData(Encoding.UTF8.GetBytes($"arg\0{key}\0{value}\0"));
        }

        return digest;
    }

    private void AddToDigest(IncrementalHash digest, string relative, long length, byte[] contentHash)
    {
        _total += length;
        if (_total > _maxBytes)
        {
            throw RunnerException.FailedPrecondition(
                $"the build context of '{Path.GetFileName(Directory)}' is over {_maxBytes / (1024 * 1024)} MiB; list large files in .dockerignore");
        }

        digest.AppendData(Encoding.UTF8.GetBytes($"file\0{relative}\0{(int)ModeOf(Path.Combine(Directory, relative))}\0{length}\0"));
        digest.AppendData(contentHash);
    }

    private async Task<byte[]> ReadAsync(string relative, CancellationToken cancellationToken)
    {
        try
        {
            return await UntrustedFile.ReadAllBytesAsync(Path.Combine(Directory, relative), _maxBytes, cancellationToken);
        }
        catch (IOException ex)
        {
            throw RunnerException.FailedPrecondition($"'{Path.GetFileName(Directory)}/{relative}' {ex.Message}");
        }
    }

    private FileStream Open(string relative)
    {
        try
        {
            return UntrustedFile.OpenRead(Path.Combine(Directory, relative));
        }
        catch (IOException ex)
        {
            throw RunnerException.FailedPrecondition($"'{Path.GetFileName(Directory)}/{relative}' {ex.Message}");
        }
    }

    private static void Collect(string root, string prefix, DockerIgnore ignore, List<string> files)
    {
        foreach (var entry in new DirectoryInfo(Path.Combine(root, prefix)).EnumerateFileSystemInfos())
        {
            var relative = prefix.Length == 0 ? entry.Name : $"{prefix}/{entry.Name}";
            // Links are not followed: a link to a host file must not carry that file into an image.
            if (entry.LinkTarget is not null)
            {
                continue;
            }

            var excluded = !AlwaysSent.Contains(relative) && ignore.IsExcluded(relative);
            if (entry is DirectoryInfo)
            {
                // As the Docker CLI does: an excluded folder is skipped unless a '!' rule may bring back part of it.
                if (!excluded || ignore.HasExceptions)
                {
                    Collect(root, relative, ignore, files);
                }
            }
            else if (!excluded)
            {
                files.Add(relative);
            }
        }
    }

    private static UnixFileMode ModeOf(string path) =>
        OperatingSystem.IsWindows()
            ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead
            : File.GetUnixFileMode(path);
}
