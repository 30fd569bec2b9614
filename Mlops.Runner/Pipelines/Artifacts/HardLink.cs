using System.Runtime.InteropServices;

namespace Mlops.Runner.Pipelines;

/// <summary>A second name for a file (link(2)): staging an artifact costs no copy where the file system allows it.</summary>
internal static partial class HardLink
{
    /// <summary>Links <paramref name="target"/> to <paramref name="source"/>'s file, or copies it when a link cannot be made (another file system, say).</summary>
    public static void LinkOrCopy(string source, string target)
    {
        if (OperatingSystem.IsLinux() && Link(source, target) == 0)
        {
            return;
        }

        File.Copy(source, target);
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string created);
}
