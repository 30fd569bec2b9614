using System.IO.Enumeration;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Mlops.Runner;

/// <summary>
/// Reads files that someone else controls (what a function leaves in its output, a function folder): never
/// through a symbolic link, never blocking on a FIFO, never more than a stated number of bytes.
/// </summary>
internal static partial class UntrustedFile
{
    private const int ReadOnly = 0;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;
    private const int ENoEnt = 2;
    private const int ELoop = 40;

    // O_NOFOLLOW differs between Linux architectures.
    private static readonly int NoFollow = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

    /// <exception cref="FileNotFoundException">Nothing is at the path.</exception>
    /// <exception cref="IOException">The path is a symbolic link, cannot be opened, or holds more than <paramref name="maxBytes"/>.</exception>
    public static async Task<byte[]> ReadAllBytesAsync(string path, long maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = OpenRead(path);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new IOException($"larger than {maxBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Copies a folder someone else wrote into one the runner owns: plain files and folders only (a link
    /// anywhere is refused, never followed), FIFOs read as empty, at most <paramref name="maxBytes"/> in all.
    /// </summary>
    /// <exception cref="IOException">A link, or more than <paramref name="maxBytes"/>.</exception>
    public static async Task CopyTreeAsync(string source, string target, long maxBytes, CancellationToken cancellationToken)
    {
        long total = 0;
        var pending = new Stack<(DirectoryInfo From, string To)>([(new DirectoryInfo(source), target)]);
        while (pending.TryPop(out var folder))
        {
            Directory.CreateDirectory(folder.To);
            foreach (var entry in folder.From.EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null)
                {
                    throw new IOException($"{Path.GetRelativePath(source, entry.FullName)} is a symbolic link");
                }

                var destination = Path.Combine(folder.To, entry.Name);
                if (entry is DirectoryInfo directory)
                {
                    pending.Push((directory, destination));
                    continue;
                }

                total += await CopyFileAsync(entry.FullName, destination, maxBytes - total, cancellationToken);
            }
        }
    }

    /// <summary>
    /// What a folder someone else is writing holds, in bytes and entries, never following a link. The walk stops
    /// once <paramref name="maxEntries"/> is passed: the caller only needs to know it is too many.
    /// </summary>
    public static (long Bytes, long Entries) Measure(string folder, long maxEntries)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        var entries = new FileSystemEnumerable<long>(folder, (ref FileSystemEntry entry) => entry.IsDirectory ? 0 : entry.Length, options)
        {
            ShouldRecursePredicate = (ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) == 0,
        };
        long bytes = 0, count = 0;
        foreach (var length in entries)
        {
            bytes += length;
            if (++count > maxEntries)
            {
                break;
            }
        }

        return (bytes, count);
    }

    /// <summary>Streams one file across, never holding it in memory; returns its size.</summary>
    private static async Task<long> CopyFileAsync(string source, string destination, long maxBytes, CancellationToken cancellationToken)
    {
        await using var from = OpenRead(source);
        await using var to = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1);
        var chunk = new byte[81920];
        long copied = 0;
        int read;
        while ((read = await from.ReadAsync(chunk, cancellationToken)) > 0)
        {
            copied += read;
            if (copied > maxBytes)
            {
                throw new IOException($"larger than {maxBytes} bytes in all");
            }

            await to.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
        }

        // A model copied here may be the only one (kept in the outbox): on disk before anyone relies on it.
        to.Flush(flushToDisk: true);
        return copied;
    }

    public static FileStream OpenRead(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new FileInfo(path).LinkTarget is null ? File.OpenRead(path) : throw new IOException("is a symbolic link");
        }

        var descriptor = Open(path, ReadOnly | NonBlocking | NoFollow | CloseOnExec);
        if (descriptor < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            throw error switch
            {
                ENoEnt => new FileNotFoundException("does not exist", path),
                ELoop => new IOException("is a symbolic link"),
                _ => new IOException($"cannot be opened ({Marshal.GetPInvokeErrorMessage(error)})"),
            };
        }

        return new FileStream(new SafeFileHandle(descriptor, ownsHandle: true), FileAccess.Read, bufferSize: 1);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);
}
