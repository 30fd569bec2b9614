using System.Diagnostics;
using System.Globalization;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// Which AppHost started a container, as its labels say: the AppHost's process (id and start time, so that
/// a reused process id does not pass for it) on this host, and its run. A container whose AppHost is gone
/// is an orphan that the next start removes.
/// </summary>
internal sealed record ContainerOwner(string Session, int ProcessId, long ProcessStart, string Host)
{
    public const string SessionLabel = "mlops.apphost.session";
    public const string ResourceLabel = "mlops.apphost.resource";
    private const string ProcessLabel = "mlops.apphost.pid";
    private const string ProcessStartLabel = "mlops.apphost.pid-start";
    private const string HostLabel = "mlops.apphost.host";

    public static ContainerOwner Current() => new(
        Guid.NewGuid().ToString("N")[..8], Environment.ProcessId, StartOf(Environment.ProcessId) ?? 0, Environment.MachineName);

    public Dictionary<string, string> Labels(string resource) => new()
    {
        [SessionLabel] = Session,
        [ResourceLabel] = resource,
        [ProcessLabel] = ProcessId.ToString(CultureInfo.InvariantCulture),
        [ProcessStartLabel] = ProcessStart.ToString(CultureInfo.InvariantCulture),
        [HostLabel] = Host,
    };

    /// <summary>The owner its labels name; null when they are not all there (then it is not ours to judge).</summary>
    public static ContainerOwner? From(IDictionary<string, string>? labels) =>
        labels is not null
        && labels.TryGetValue(SessionLabel, out var session)
        && labels.TryGetValue(ProcessLabel, out var pid) && int.TryParse(pid, CultureInfo.InvariantCulture, out var processId)
        && labels.TryGetValue(ProcessStartLabel, out var start) && long.TryParse(start, CultureInfo.InvariantCulture, out var processStart)
        && labels.TryGetValue(HostLabel, out var host)
            ? new ContainerOwner(session, processId, processStart, host)
            : null;

    /// <summary>Whether its AppHost still runs; only answerable on the host it ran on.</summary>
    public bool IsAliveOn(string host) => Host != host || StartOf(ProcessId) == ProcessStart;

    /// <summary>When the process started, in Unix seconds; null when there is no such process.</summary>
    private static long? StartOf(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return new DateTimeOffset(process.StartTime).ToUnixTimeSeconds();
        }
        catch (ArgumentException)
        {
            // No process with that id.
            return null;
        }
        catch (InvalidOperationException)
        {
            // It exited while being asked.
            return null;
        }
    }
}
