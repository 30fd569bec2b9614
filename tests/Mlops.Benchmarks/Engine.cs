using System.Diagnostics;
using System.Globalization;

namespace Mlops.Benchmarks;

/// <summary>The few engine and process facts the benchmark needs (it is not the system under test).</summary>
internal static class Engine
{
    public static async Task<int> LeakedContainersAsync(string instance) =>
        (await DockerAsync("ps", "-aq", "--filter", $"label=mlops.runner={instance}")).Length;

    /// <summary>
    /// Waits until the instance's warm pools are empty (their containers wait for invocations by design until the
    /// function has been idle for its idle time), at most <paramref name="bound"/>: what is left after is a leak.
    /// </summary>
    public static async Task WaitForEmptyPoolsAsync(string instance, TimeSpan bound)
    {
        for (var deadline = DateTime.UtcNow + bound; DateTime.UtcNow < deadline; await Task.Delay(TimeSpan.FromMilliseconds(500)))
        {
            if ((await DockerAsync("ps", "-aq", "--filter", $"label=mlops.runner={instance}", "--filter", "label=mlops.pool")).Length == 0)
            {
                return;
            }
        }
    }

    /// <summary>Removes a function's images and build stages, so that its next build starts from nothing.</summary>
    public static async Task ForgetImagesAsync(string function)
    {
        var images = (await DockerAsync("images", "-q", "--filter", $"label=mlops.function={function}"))
            .Concat(await DockerAsync("images", "-q", "--filter", $"label=mlops.build-stage={function}"))
            .Distinct()
            .ToArray();
        if (images.Length > 0)
        {
            await DockerAsync(["rmi", "-f", .. images]);
        }
    }

    /// <summary>Removes images by tag (left over by the benchmark, so they must not push the real ones out of the runner's keep window).</summary>
    public static async Task RemoveImagesAsync(IReadOnlyCollection<string> tags)
    {
        if (tags.Count > 0)
        {
            await DockerAsync(["rmi", "-f", .. tags]);
        }
    }

    /// <summary>
    /// Resident memory once start-up is over: at least <paramref name="atLeast"/> after the call, then as soon as
    /// five readings a second apart lie within 0.5 MB of each other (a minute at most). Right after the health
    /// check answers, hosted services, the first telemetry export and the tiered JIT are still at work.
    /// </summary>
    public static async Task<double> SettledRssAsync(int pid, TimeSpan atLeast)
    {
        await Task.Delay(atLeast);
        var readings = new List<double>();
        for (var deadline = DateTime.UtcNow.AddMinutes(1); DateTime.UtcNow < deadline; await Task.Delay(TimeSpan.FromSeconds(1)))
        {
            readings.Add(Memory(pid).Rss);
            if (readings.Count >= 5 && readings[^5..].Max() - readings[^5..].Min() <= 0.5)
            {
                break;
            }
        }

        return readings[^1];
    }

    /// <summary>Resident and peak resident memory of a process, in MB, from /proc.</summary>
    public static (double Rss, double Peak) Memory(int pid)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        double Read(string key) => double.Parse(status.Single(l => l.StartsWith(key, StringComparison.Ordinal)).Split(':')[1].Trim().Split(' ')[0]) / 1024;
        return (Read("VmRSS"), Read("VmHWM"));
    }

    /// <summary>The machine's CPU time so far, busy and all, in clock ticks (the first line of /proc/stat).</summary>
    public static (long Busy, long Total) CpuTimes()
    {
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
        var total = ticks.Sum();
        return (total - ticks[3] - ticks[4], total);
    }

    /// <summary>The share of the machine's CPU time that was busy since <paramref name="before"/>, in percent.</summary>
    public static double BusyPercentSince((long Busy, long Total) before)
    {
        var now = CpuTimes();
        return 100.0 * (now.Busy - before.Busy) / Math.Max(1, now.Total - before.Total);
    }

    /// <summary>A "Key: N kB" line of a /proc file, in MB; 0 when the process is gone.</summary>
    public static double ProcMegabytes(int pid, string file, string key)
    {
        try
        {
            return File.ReadLines($"/proc/{pid}/{file}").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal)) is { } line
                ? double.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024
                : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static async Task<string[]> DockerAsync(params string[] arguments)
    {
        using var docker = Process.Start(new ProcessStartInfo("docker", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await docker.StandardOutput.ReadToEndAsync();
        await docker.WaitForExitAsync();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
