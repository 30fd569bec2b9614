using System.Runtime.InteropServices;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// Running a program as the unprivileged user <c>nobody</c> when the AppHost runs as root (bootstrap needs
/// root, so it often does): through util-linux's setpriv, which execs the program (same process, no wrapper
/// left behind). As any other user, the program runs as that user.
/// </summary>
internal static partial class Unprivileged
{
    private const string User = "nobody";

    public static bool IsRoot => !OperatingSystem.IsWindows() && GetEuid() == 0;

    /// <summary>The command line that runs <paramref name="program"/> as nobody when root, as it is otherwise.</summary>
    public static (string Command, string[] Prefix) Command(string program) =>
        IsRoot && Ids() is var (uid, gid)
            ? ("setpriv", [$"--reuid={uid}", $"--regid={gid}", "--clear-groups", "--", program])
            : (program, []);

    /// <summary>Gives a folder the program writes in (pid file, temp files) to the user it runs as.</summary>
    public static void Own(string directory)
    {
        if (IsRoot && Ids() is var (uid, gid) && Chown(directory, uid, gid) != 0)
        {
            throw new IOException($"could not give {directory} to {User}: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>nobody's uid and gid, from /etc/passwd.</summary>
    private static (int Uid, int Gid) Ids() =>
        File.ReadLines("/etc/passwd").Select(line => line.Split(':')).FirstOrDefault(fields => fields[0] == User) is { Length: >= 4 } entry
            ? (int.Parse(entry[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(entry[3], System.Globalization.CultureInfo.InvariantCulture))
            : throw new InvalidOperationException($"there is no user '{User}' in /etc/passwd to run NGINX as");

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, int owner, int group);
}
