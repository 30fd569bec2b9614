using System.Diagnostics;

namespace Mlops.Benchmarks;

/// <summary>The few engine and process facts the benchmark needs (it is not the system under test).</summary>
internal static class Engine
{
    public static async Task<int> LeakedContainersAsync(string instance) =>
        (await DockerAsync("ps", "-aq", "--filter", $"label=mlops.runner={instance}")).Length;

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

    /// <summary>Resident and peak resident memory of a process, in MB, from /proc.</summary>
    public static (double Rss, double Peak) Memory(int pid)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        double Read(string key) => double.Parse(status.Single(l => l.StartsWith(key, StringComparison.Ordinal)).Split(':')[1].Trim().Split(' ')[0]) / 1024;
        return (Read("VmRSS"), Read("VmHWM"));
    }

    public static async Task<string[]> DockerAsync(params string[] arguments)
    {
        using var docker = Process.Start(new ProcessStartInfo("docker", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await docker.StandardOutput.ReadToEndAsync();
        await docker.WaitForExitAsync();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
