namespace Mlops.Runner.Storage;

/// <summary>
/// Keeps a set of folders within a byte budget by removing the least recently used first; a folder's last write
/// time is its last use. The model cache and the pipelines' artifact store both bound themselves this way.
/// </summary>
internal static class LeastRecentlyUsed
{
    /// <param name="tryRemove">Removes the folder unless something still needs it (it decides, under its own lock); false when kept.</param>
    /// <returns>The folders removed, with their sizes.</returns>
    public static IReadOnlyList<(DirectoryInfo Folder, long Bytes)> Trim(IEnumerable<DirectoryInfo> folders, long budget, Func<DirectoryInfo, bool> tryRemove)
    {
        var measured = folders
            .Select(folder => (Folder: folder, Bytes: SizeOf(folder)))
            .OrderByDescending(entry => entry.Folder.LastWriteTimeUtc)
            .ToList();
        var removed = new List<(DirectoryInfo, long)>();
        long kept = 0;
        foreach (var (folder, bytes) in measured)
        {
            kept += bytes;
            if (kept > budget && tryRemove(folder))
            {
                kept -= bytes;
                removed.Add((folder, bytes));
            }
        }

        return removed;
    }

    /// <summary>A folder removed by hand meanwhile takes no room.</summary>
    private static long SizeOf(DirectoryInfo folder)
    {
        try
        {
            return UntrustedFile.Measure(folder.FullName, long.MaxValue).Bytes;
        }
        catch (DirectoryNotFoundException)
        {
            return 0;
        }
    }
}
