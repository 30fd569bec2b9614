using System.Runtime.InteropServices;

namespace Mlops.AppHost.Hosting;

/// <summary>What .NET has no API for: asking a process to stop (SIGTERM), rather than killing it.</summary>
internal static partial class Signals
{
    private const int SigTerm = 15;

    /// <returns>False when the process is gone already (or the platform has no signals).</returns>
    public static bool Terminate(int pid) => !OperatingSystem.IsWindows() && Kill(pid, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
