using System.Globalization;

namespace Mlops.Benchmarks;

/// <summary>
/// What running the app costs beyond the services themselves: the AppHost, Aspire's orchestrator (DCP, its
/// monitors) and its dashboard — every process of the AppHost's tree that is not one of the app's resources.
/// </summary>
internal static class Orchestration
{
    /// <summary>Resident (RSS) and proportional (PSS: shared pages split among their users) memory, in MB.</summary>
    public static (double Rss, double Pss, int Processes) Memory(int appHost)
    {
        var processes = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0)
            .Select(pid => (Pid: pid, Parent: ParentOf(pid), Command: CommandOf(pid)))
            .Where(p => p.Command is not null)
            .ToList();
        // DCP runs beside the AppHost, not under it: it monitors the AppHost's pid.
        var roots = processes.Where(p => p.Pid == appHost || (p.Command!.Contains("/dcp", StringComparison.Ordinal) && p.Command.Contains($"--monitor {appHost}", StringComparison.Ordinal)))
            .Select(p => p.Pid).ToHashSet();
        var tree = new HashSet<int>(roots);
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var process in processes.Where(p => p.Parent is { } parent && tree.Contains(parent) && !tree.Contains(p.Pid)))
            {
                tree.Add(process.Pid);
                grew = true;
            }
        }

        var orchestration = processes.Where(p => tree.Contains(p.Pid) && IsOrchestration(p.Pid, appHost, p.Command!)).ToList();
        return (orchestration.Sum(p => Engine.ProcMegabytes(p.Pid, "status", "VmRSS:")), orchestration.Sum(p => Engine.ProcMegabytes(p.Pid, "smaps_rollup", "Pss:")), orchestration.Count);
    }

    private static bool IsOrchestration(int pid, int appHost, string command) =>
        pid == appHost || command.Contains("/dcp", StringComparison.Ordinal) || command.Contains("Aspire.Dashboard", StringComparison.Ordinal);

    private static int? ParentOf(int pid)
    {
        try
        {
            return File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal)) is { } line
                ? int.Parse(line["PPid:".Length..].Trim(), CultureInfo.InvariantCulture)
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? CommandOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return null;
        }
    }
}
