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

    private BuildContext(string directory, IReadOnlyList<string> files, string digest, long totalBytes)
    {
        Directory = directory;
        Files = files;
        Digest = digest;
        TotalBytes = totalBytes;
    }

    public string Directory { get; }

    /// <summary>'/'-separated paths relative to <see cref="Directory"/>, in ordinal order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Lowercase hex SHA-256.</summary>
    public string Digest { get; }

    public long TotalBytes { get; }

    public static async Task<BuildContext> ScanAsync(
        string directory, IReadOnlyDictionary<string, string> digestInputs, long maxBytes, CancellationToken cancellationToken)
    {
        var ignore = DockerIgnore.ForDirectory(directory);
        var files = new List<string>();
        Collect(directory, "", ignore, files);
        files.Sort(StringComparer.Ordinal);

        if (!files.Contains("Dockerfile"))
        {
            throw RunnerException.FailedPrecondition($"'{Path.GetFileName(directory)}' has no Dockerfile");
        }

        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (key, value) in digestInputs.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            digest.AppendData(Encoding.UTF8.GetBytes($"arg\0{key}\0{value}\0"));
        }

        long total = 0;
        foreach (var relative in files)
        {
            var path = Path.Combine(directory, relative);
            var info = new FileInfo(path);
            total += info.Length;
            if (total > maxBytes)
            {
                throw RunnerException.FailedPrecondition(
                    $"the build context of '{Path.GetFileName(directory)}' is over {maxBytes / (1024 * 1024)} MiB; list large files in .dockerignore");
            }

            digest.AppendData(Encoding.UTF8.GetBytes($"file\0{relative}\0{(int)ModeOf(path)}\0{info.Length}\0"));
            await using var stream = File.OpenRead(path);
            digest.AppendData(await SHA256.HashDataAsync(stream, cancellationToken));
        }

        return new BuildContext(directory, files, Convert.ToHexStringLower(digest.GetHashAndReset()), total);
    }

    /// <summary>Writes the files as an uncompressed tar (root-owned, fixed timestamps, modes kept).</summary>
    public async Task WriteTarAsync(Stream destination, CancellationToken cancellationToken)
    {
        await using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var relative in Files)
        {
            var path = Path.Combine(Directory, relative);
            var entry = new PaxTarEntry(TarEntryType.RegularFile, relative)
            {
                Mode = ModeOf(path),
                ModificationTime = FixedTime,
                Uid = 0,
                Gid = 0,
            };
            await using var content = File.OpenRead(path);
            entry.DataStream = content;
            await writer.WriteEntryAsync(entry, cancellationToken);
        }
    }

    private static void Collect(string root, string prefix, DockerIgnore ignore, List<string> files)
    {
        foreach (var entry in new DirectoryInfo(Path.Combine(root, prefix)).EnumerateFileSystemInfos())
        {
            var relative = prefix.Length == 0 ? entry.Name : $"{prefix}/{entry.Name}";
            // Links are not followed: a link to a host file must not carry that file into an image.
            if (entry.LinkTarget is not null || (!AlwaysSent.Contains(relative) && ignore.IsExcluded(relative)))
            {
                continue;
            }

            if (entry is DirectoryInfo)
            {
                Collect(root, relative, ignore, files);
            }
            else if (entry is FileInfo)
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
