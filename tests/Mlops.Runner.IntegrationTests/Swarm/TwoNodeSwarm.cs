using System.Diagnostics;
using Docker.DotNet;

namespace Mlops.Runner.IntegrationTests.Swarm;

/// <summary>
/// A real two-node swarm on this machine (scripts/two-node-swarm.sh): the local engine as manager, a second engine in
/// a network namespace of its own as worker, and a registry both pull from. Made once for the tests that share it and
/// taken down whole afterwards (engine, namespace, registry, swarm state).
/// </summary>
public sealed class TwoNodeSwarm : IAsyncLifetime
{
    private static readonly string Script = Path.Combine(RepositoryPaths.Root, "scripts", "two-node-swarm.sh");

    public IReadOnlyDictionary<string, string> Facts { get; private set; } = new Dictionary<string, string>();

    /// <summary>host:port each node pulls images from.</summary>
    public string Registry => Facts["MLOPS_SWARM_REGISTRY"];

    public string WorkerName => Facts["MLOPS_SWARM_NODE2_NAME"];

    /// <summary>The worker's own engine, to check what it holds.</summary>
    public DockerClient Worker() => new DockerClientConfiguration(new Uri(Facts["MLOPS_SWARM_NODE2_HOST"])).CreateClient();

    public async Task InitializeAsync()
    {
        var output = await RunAsync("up");
        Facts = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1]);
    }

    public Task DisposeAsync() => RunAsync("down");

    private static async Task<string> RunAsync(string verb)
    {
        using var process = Process.Start(new ProcessStartInfo(Script, verb) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(bound.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Script} {verb} exited {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }
}
