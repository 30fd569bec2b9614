using System.Runtime.InteropServices;

namespace Mlops.Runner.Endpoints;

/// <summary>
/// A replica's run folder (data/replicas/&lt;id&gt;), mounted at /mlops/run: the one place its unix socket
/// can live. It belongs to the container's user alone (0700), not to everyone.
/// </summary>
public sealed partial class RunFolder : IDisposable
{
    /// <summary>Where run folders live under the runner's data, one per replica.</summary>
    public const string Folder = "replicas";

    /// <summary>sun_path holds 108 bytes with the terminating NUL.</summary>
    private const int MaxSocketPath = 107;

    private RunFolder(string path) => Path = path;

    public string Path { get; }

    public string SocketPath => System.IO.Path.Combine(Path, "replica.sock");

    public static RunFolder Create(string root, string replicaId, string user)
    {
        var folder = new RunFolder(System.IO.Path.Combine(root, replicaId));
        if (System.Text.Encoding.UTF8.GetByteCount(folder.SocketPath) > MaxSocketPath)
        {
            throw RunnerException.FailedPrecondition($"the data folder's path is too long for a unix socket ({folder.SocketPath}); use a shorter Runner:DataPath");
        }

        if (OperatingSystem.IsWindows())
        {
            throw RunnerException.FailedPrecondition("serving needs unix sockets and ownership: the runner must run on Linux");
        }

        Directory.CreateDirectory(folder.Path);
        File.SetUnixFileMode(folder.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var ids = user.Split(':');
        if (chown(folder.Path, int.Parse(ids[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(ids[1], System.Globalization.CultureInfo.InvariantCulture)) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            folder.Dispose();
            throw RunnerException.FailedPrecondition($"cannot give the replica's run folder to {user} (errno {error}); the runner must run as root to serve");
        }

        return folder;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, int owner, int group);
}
