using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// An artifact's name for its content: "sha256:" over its files in ordinal order of their '/'-separated relative
/// paths, each as the path, a NUL, its length in decimal, a NUL, and the 32 bytes of its content's sha256. Folders
/// themselves (an empty one) do not count. Pinned by the tests: a change here would orphan every cached step.
/// </summary>
public static class ArtifactDigest
{
    public const string Prefix = "sha256:";

    /// <exception cref="IOException">The folder holds a symbolic link (artifacts are plain files and folders).</exception>
    public static async Task<string> ComputeAsync(string folder, CancellationToken cancellationToken)
    {
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var relative in Files(folder))
        {
            await using var content = UntrustedFile.OpenRead(Path.Combine(folder, relative));
            var length = content.Length;
            var sum = await SHA256.HashDataAsync(content, cancellationToken);
            digest.AppendData(Encoding.UTF8.GetBytes($"{relative}\0{length.ToString(CultureInfo.InvariantCulture)}\0"));
            digest.AppendData(sum);
        }

        return Prefix + Convert.ToHexStringLower(digest.GetHashAndReset());
    }

    /// <summary>Whether <paramref name="text"/> is "sha256:" and 64 lowercase hex digits.</summary>
    public static bool IsValid(string? text) =>
        text is { Length: 71 } && text.StartsWith(Prefix, StringComparison.Ordinal) && text.AsSpan(Prefix.Length).IndexOfAnyExcept("0123456789abcdef") < 0;

    /// <summary>The files under <paramref name="folder"/> as '/'-separated relative paths, in ordinal order.</summary>
    public static IReadOnlyList<string> Files(string folder)
    {
        var files = new List<string>();
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (entry.LinkTarget is not null)
            {
                throw new IOException($"{Path.GetRelativePath(folder, entry.FullName)} is a symbolic link");
            }

            if (entry is FileInfo)
            {
                files.Add(Path.GetRelativePath(folder, entry.FullName).Replace(Path.DirectorySeparatorChar, '/'));
            }
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }
}
