using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Mlops.Runner.Storage;

/// <summary>
/// Files that must survive a crash or a power cut whole or not at all: written under a temporary name,
/// flushed to disk, renamed into place, and the folder that holds the new name flushed too (a rename lives in
/// its folder). Without the flushes a rename can reach the disk before the data it names: a result or a model
/// of the right name and no content.
/// </summary>
internal static partial class DurableFile
{
    private const int ReadOnly = 0;
    private const int CloseOnExec = 0x80000;

    // O_DIRECTORY differs between Linux architectures.
    private static readonly int Directory = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;

    private static long _flushes;

    /// <summary>Files and folders flushed so far, in this process (tests read it to see that a publish went through here).</summary>
    public static long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>Puts <paramref name="bytes"/> at <paramref name="path"/> durably, through <c>path + partialSuffix</c>.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes, string partialSuffix)
    {
        var partial = path + partialSuffix;
        using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(bytes);
            Flush(file);
        }

        Publish(partial, path);
    }

    /// <summary>A written file's data, to disk.</summary>
    public static void Flush(FileStream file)
    {
        file.Flush(flushToDisk: true);
        Interlocked.Increment(ref _flushes);
    }

    /// <summary>Renames a flushed file over <paramref name="target"/> and flushes the folder that now names it.</summary>
    public static void Publish(string partial, string target)
    {
        File.Move(partial, target, overwrite: true);
        FlushFolder(Path.GetDirectoryName(Path.GetFullPath(target))!);
    }

    /// <summary>Every file and folder under <paramref name="root"/> (links left alone), then <paramref name="root"/> itself: before the rename that publishes it.</summary>
    public static void FlushTree(string root)
    {
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            if (entry is DirectoryInfo folder)
            {
                FlushFolder(folder.FullName);
            }
            else
            {
                using var file = new FileStream(entry.FullName, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
                Flush(file);
            }
        }

        FlushFolder(root);
    }

    /// <summary>The folder's entries (names, renames), to disk.</summary>
    public static void FlushFolder(string folder)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var handle = new SafeFileHandle(Open(folder, ReadOnly | Directory | CloseOnExec), ownsHandle: true);
        if (handle.IsInvalid || Sync(handle) != 0)
        {
            throw new IOException($"cannot flush the folder {folder} to disk ({Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())})");
        }

        Interlocked.Increment(ref _flushes);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Sync(SafeFileHandle descriptor);
}
