using System.Globalization;
using System.Text;
using Mlops.Runner.Storage;

namespace Mlops.Runner.Registry;

/// <summary>
/// What a cached model version held when it was put in place: each file's relative path and size, kept in
/// <c>&lt;version&gt;.sizes</c> beside its folder (outside what a container is given). A version whose files no
/// longer match (truncated by a crash or a full disk, changed by hand) is fetched again, never mounted.
/// </summary>
internal static class CachedModelSizes
{
    public const string Suffix = ".sizes";

    public static string PathFor(string version) => version + Suffix;

    /// <summary>Records what <paramref name="download"/> holds as the sizes of <paramref name="version"/>, durably, before the rename that makes it so.</summary>
    public static void Record(string download, string version) =>
        DurableFile.WriteAllBytes(PathFor(version), Describe(download), $".{Guid.NewGuid():N}.partial");

    public static bool Match(string version)
    {
        try
        {
            return File.ReadAllBytes(PathFor(version)).AsSpan().SequenceEqual(Describe(version));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    public static void Forget(string version) => File.Delete(PathFor(version));

    private static byte[] Describe(string folder)
    {
        var lines = new StringBuilder();
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                     .OrderBy(entry => Path.GetRelativePath(folder, entry.FullName), StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(folder, entry.FullName);
            var what = entry switch
            {
                _ when entry.LinkTarget is not null => "link",
                DirectoryInfo => "folder",
                FileInfo file => file.Length.ToString(CultureInfo.InvariantCulture),
                _ => "other",
            };
            lines.Append(relative).Append('\t').Append(what).Append('\n');
        }

        return Encoding.UTF8.GetBytes(lines.ToString());
    }
}
