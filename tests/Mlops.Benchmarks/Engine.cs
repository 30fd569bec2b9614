using System.Diagnostics;

namespace Mlops.Benchmarks;

/// <summary>The few engine facts the benchmark needs, through the docker CLI (it is not the system under test).</summary>
internal static class Engine
{
    public static async Task<int> LeakedContainersAsync() =>
        (await DockerAsync("ps", "-aq", "--filter", "label=mlops.invocation")).Length;

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

    private static async Task<string[]> DockerAsync(params string[] arguments)
    {
        using var docker = Process.Start(new ProcessStartInfo("docker", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await docker.StandardOutput.ReadToEndAsync();
        await docker.WaitForExitAsync();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
