using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Mlops.Runner.IntegrationTests.Faults;

/// <summary>The machine's own Docker engine, as the fault tests see it: its containers, and a restart of it.</summary>
internal static class DockerEngine
{
    private const string PidFile = "/var/run/docker.pid";

    /// <summary>Set by scripts/test.sh, which runs the test projects one at a time: a restart stops every container on the engine.</summary>
    public const string OptIn = "MLOPS_TEST_RESTART_ENGINE";

    /// <summary>Why the engine is not to be restarted from here, or null when it may be (asked for, a local dockerd, root).</summary>
    public static string? WhyNotRestartable =>
        Environment.GetEnvironmentVariable(OptIn) != "1" ? $"restarts the machine's Docker engine: set {OptIn}=1 to allow it (scripts/test.sh does)"
        : !File.Exists(PidFile) ? $"no local dockerd ({PidFile} does not exist)"
        : Environment.UserName != "root" ? "restarting dockerd needs root, as scripts/bootstrap.sh does"
        : null;

    public static IDockerClient Client() => new DockerClientConfiguration().CreateClient();

    /// <summary>Containers of a runner instance, running or not.</summary>
    public static async Task<IList<ContainerListResponse>> ContainersOfAsync(string instance)
    {
        using var docker = Client();
        return await InstanceContainers.ListAsync(docker, instance);
    }

    public static async Task RemoveContainersOfAsync(string instance)
    {
        using var docker = Client();
        await InstanceContainers.RemoveAllAsync(docker, instance);
    }

    public static async Task<int> WaitForNoContainersAsync(string instance, TimeSpan timeout)
    {
        using var docker = Client();
        return await InstanceContainers.WaitForNoneAsync(docker, instance, timeout);
    }

    /// <summary>Stops dockerd (SIGTERM, as a service manager would) and starts it again the way the bootstrap does.</summary>
    public static async Task RestartAsync()
    {
        var pid = int.Parse((await File.ReadAllTextAsync(PidFile)).Trim());
        await RunAsync("kill", "-TERM", pid.ToString());
        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60); Directory.Exists($"/proc/{pid}"); await Task.Delay(200))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"dockerd ({pid}) did not stop within 60 s");
            }
        }

        await RunAsync(Path.Combine(RepositoryPaths.Root, "scripts", "install-docker.sh"));
    }

    private static async Task RunAsync(string command, params string[] arguments)
    {
        using var process = Process.Start(command, arguments);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} exited with {process.ExitCode}");
        }
    }
}

/// <summary>Skipped, saying why, where this test cannot restart the machine's Docker engine.</summary>
public sealed class EngineRestartFactAttribute : FactAttribute
{
    public EngineRestartFactAttribute()
    {
        if (DockerEngine.WhyNotRestartable is { } reason)
        {
            Skip = reason;
        }
    }
}
