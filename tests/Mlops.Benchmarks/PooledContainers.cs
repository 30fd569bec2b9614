using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Mlops.Benchmarks;

/// <summary>A runner instance's pooled containers as the engine has them (labelled mlops.pool), and their memory as <c>docker stats</c> shows it.</summary>
internal sealed class PooledContainers(string instance) : IDisposable
{
    private readonly DockerClient _docker = new DockerClientConfiguration(new Uri(
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock")).CreateClient();

    /// <summary>The pooled containers of <paramref name="function"/>, in any state; only running ones with <paramref name="runningOnly"/>.</summary>
    public async Task<IList<ContainerListResponse>> ListAsync(string function, bool runningOnly, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, bool> { ["mlops.pool"] = true, [$"mlops.runner={instance}"] = true, [$"mlops.function={function}"] = true };
        var filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels };
        if (runningOnly)
        {
            filters["status"] = new Dictionary<string, bool> { ["running"] = true };
        }

        return await _docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filters }, cancellationToken);
    }

    /// <summary>
    /// A container's memory in MB as <c>docker stats</c> computes it: the cgroup's usage less its inactive file cache
    /// (what the kernel would reclaim first), and of that the anonymous memory (its processes' heaps and stacks); then its
    /// processes' RSS and PSS from /proc, which count the image's files they map even when another container's cgroup was
    /// charged for reading them first (cgroup v1 charges a page to whoever brought it in). Null when the container is not
    /// running any more (the engine answers nothing, or zeros).
    /// </summary>
    public async Task<ContainerMemory?> MemoryAsync(string id, CancellationToken cancellationToken)
    {
        var reading = new OneReading();
        await _docker.Containers.GetContainerStatsAsync(id, new ContainerStatsParameters { Stream = false }, reading, cancellationToken);
        if (reading.Stats?.MemoryStats is not { Usage: > 0, Stats: { } stats } memory)
        {
            return null;
        }

        // cgroup v1 names it total_inactive_file, v2 inactive_file; the CLI subtracts it only when smaller than usage.
        var inactive = stats.TryGetValue("total_inactive_file", out var v1) ? v1 : stats.TryGetValue("inactive_file", out var v2) ? v2 : 0;
        var used = inactive < memory.Usage ? memory.Usage - inactive : memory.Usage;
        var anonymous = stats.TryGetValue("total_rss", out var rss) ? rss : stats.TryGetValue("anon", out var anon) ? anon : 0;
        var top = await _docker.Containers.ListProcessesAsync(id, new ContainerListProcessesParameters(), cancellationToken);
        var column = top.Titles.IndexOf("PID");
        var pids = top.Processes.Select(p => int.Parse(p[column], CultureInfo.InvariantCulture)).ToList();
        return new ContainerMemory(
            used / 1048576.0,
            anonymous / 1048576.0,
            pids.Sum(pid => Engine.ProcMegabytes(pid, "status", "VmRSS:")),
            pids.Sum(pid => Engine.ProcMegabytes(pid, "smaps_rollup", "Pss:")),
            pids.Count);
    }

    public void Dispose() => _docker.Dispose();

    /// <summary>In MB: <c>docker stats</c>' figure and its anonymous part; the container's processes' RSS and PSS.</summary>
    public sealed record ContainerMemory(double Used, double Anonymous, double Rss, double Pss, int Processes);

    /// <summary>Keeps the one reading a non-streamed stats call reports, on the caller's thread (Progress would post it to the thread pool).</summary>
    private sealed class OneReading : IProgress<ContainerStatsResponse>
    {
        public ContainerStatsResponse? Stats { get; private set; }

        public void Report(ContainerStatsResponse value) => Stats = value;
    }
}
