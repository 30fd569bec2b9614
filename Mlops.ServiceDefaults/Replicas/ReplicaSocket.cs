using System.Runtime.InteropServices;

namespace Mlops.ServiceDefaults.Replicas;

/// <summary>
/// Checked before anyone connects to a replica's unix socket: the path must be a socket itself (not a link,
/// not a file) owned by the replica's user, which is the owner the runner gave the replica's run folder. A
/// replica controls what is in its run folder: without this, a link named replica.sock to the Docker socket
/// would have the gateway (as root) send it requests.
/// </summary>
public static partial class ReplicaSocket
{
    private const uint TypeMask = 0xF000;
    private const uint SocketType = 0xC000;
    private const uint DirectoryType = 0x4000;

    /// <param name="owner">The replica's uid; null: whoever owns the socket's folder.</param>
    /// <exception cref="IOException">Not a socket, or not the replica's.</exception>
    public static void Check(string path, int? owner = null)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var folder = Path.GetDirectoryName(path) ?? "/";
        var (folderType, folderOwner) = Status(folder);
        if (folderType != DirectoryType)
        {
            throw new IOException($"the replica's run folder {folder} is not a folder (a link?); not connecting");
        }

        var (type, socketOwner) = Status(path);
        var expected = owner ?? (int)folderOwner;
        if (type != SocketType)
        {
            throw new IOException($"{path} is not a unix socket (a link or a file in its place?); not connecting");
        }

        if (socketOwner != expected)
        {
            throw new IOException($"the socket {path} belongs to uid {socketOwner}, not to the replica's uid {expected}; not connecting");
        }
    }

    /// <summary>The entry's own type and owner, never its link target's.</summary>
    private static unsafe (uint Type, uint Owner) Status(string path)
    {
        // struct stat: st_mode and st_uid sit at different offsets on x86-64 and on the generic (arm64) layout.
        var (mode, uid) = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? (24, 28) : (16, 24);
        var buffer = stackalloc byte[256];
        if (LinkStatus(path, buffer) != 0)
        {
            throw new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        return (*(uint*)(buffer + mode) & TypeMask, *(uint*)(buffer + uid));
    }

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int LinkStatus(string path, byte* buffer);
}
