namespace Mlops.Runner.Storage;

/// <summary>
/// Removes a file or a folder tree that someone else wrote (a function's workspace, a replica's run folder)
/// without following any link in it: a link is removed as a link, whatever it points at, so a leftover
/// holding <c>output -&gt; /etc</c> costs the host nothing. Only safe once nothing can still write there (the
/// janitor has stopped the containers): a writer could swap a folder for a link between a check and a delete.
/// </summary>
internal static class LinkSafeDelete
{
    public static void Remove(string path)
    {
        var entry = new FileInfo(path);
        if (entry.LinkTarget is not null || !System.IO.Directory.Exists(path))
        {
            // A link (to a folder or not), a file, a socket, a FIFO: unlinked, never opened.
            if (entry.LinkTarget is not null || entry.Exists)
            {
                File.Delete(path);
            }

            return;
        }

        foreach (var child in new DirectoryInfo(path).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false }))
        {
            if (child is DirectoryInfo && child.LinkTarget is null)
            {
                Remove(child.FullName);
            }
            else
            {
                File.Delete(child.FullName);
            }
        }

        System.IO.Directory.Delete(path, recursive: false);
    }
}
