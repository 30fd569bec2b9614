namespace Mlops.Benchmarks;

/// <summary>
/// The real two-node swarm of scripts/two-node-swarm.sh, made by the benchmark for its swarm rows and taken down by it
/// again: the local engine as manager, a second engine in a network namespace as worker, a registry both pull from.
/// </summary>
internal sealed class TwoNodeSwarm
{
    private static readonly TimeSpan ContainersGo = TimeSpan.FromMinutes(1);

    private readonly IReadOnlyDictionary<string, string> _facts;

    private TwoNodeSwarm(IReadOnlyDictionary<string, string> facts) => _facts = facts;

    /// <summary>host:port each node pulls function images from.</summary>
    public string Registry => _facts["MLOPS_SWARM_REGISTRY"];

    /// <summary>The worker's hostname, as the runner names the node a task ran on.</summary>
    public string WorkerName => _facts["MLOPS_SWARM_NODE2_NAME"];

    private string WorkerHost => _facts["MLOPS_SWARM_NODE2_HOST"];

    /// <summary>
    /// Fails when the local engine is in a swarm already: <c>up</c> would hand back that one, and the benchmark's
    /// <c>down</c> would then take away a swarm someone else is using.
    /// </summary>
    public static async Task RefuseAnotherAsync(CancellationToken cancellationToken)
    {
        var state = await LocalStateAsync(cancellationToken);
        if (state != "inactive")
        {
            throw new InvalidOperationException(
                $"the local engine is in a swarm already ({state}): --swarm makes its own and takes it down at the end, so it does not use another; " +
                "leave it first if nobody needs it (scripts/two-node-swarm.sh down)");
        }
    }

    /// <summary>The local engine's swarm state, as docker info gives it: inactive, active, pending...</summary>
    public static async Task<string> LocalStateAsync(CancellationToken cancellationToken) =>
        (await Commands.DockerAsync(cancellationToken, "info", "--format", "{{.Swarm.LocalNodeState}}")).Trim();

    public static async Task<TwoNodeSwarm> UpAsync(string root, CancellationToken cancellationToken)
    {
        var output = await Commands.RunAsync(Script(root), ["up"], cancellationToken);
        return new TwoNodeSwarm(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal));
    }

    /// <summary>Everything <c>up</c> made, and the swarm itself; idempotent, so also after an <c>up</c> that failed half-way.</summary>
    public static Task DownAsync(string root, CancellationToken cancellationToken) => Commands.RunAsync(Script(root), ["down"], cancellationToken);

    /// <summary>
    /// What a runner instance left on the swarm once it has stopped: its services and configs, and its task containers
    /// and replicas' containers on either node, its edge (a removed service's containers go a moment later: they get <see cref="ContainersGo"/>).
    /// </summary>
    public async Task<int> LeftoversAsync(string instance, CancellationToken cancellationToken)
    {
        var label = $"label=mlops.runner={instance}";
        for (var deadline = DateTime.UtcNow + ContainersGo; ; await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken))
        {
            var left = new Dictionary<string, int>(StringComparer.Ordinal)
            {
                ["services"] = Lines(await Commands.DockerAsync(cancellationToken, "service", "ls", "-q", "--filter", label)),
                ["configs"] = Lines(await Commands.DockerAsync(cancellationToken, "config", "ls", "-q", "--filter", label)),
                ["task containers on the manager"] = Lines(await Commands.DockerAsync(cancellationToken, "ps", "-aq", "--filter", label, "--filter", "label=mlops.invocation")),
                ["task containers on the worker"] = Lines(await Commands.DockerAsync(cancellationToken, "-H", WorkerHost, "ps", "-aq", "--filter", label, "--filter", "label=mlops.invocation")),
                ["replica containers on the manager"] = Lines(await Commands.DockerAsync(cancellationToken, "ps", "-aq", "--filter", label, "--filter", "label=mlops.replica")),
                ["replica containers on the worker"] = Lines(await Commands.DockerAsync(cancellationToken, "-H", WorkerHost, "ps", "-aq", "--filter", label, "--filter", "label=mlops.replica")),
                ["edge containers"] = Lines(await Commands.DockerAsync(cancellationToken, "ps", "-aq", "--filter", $"label=mlops.edge={instance}")),
            };
            var total = left.Values.Sum();
            if (total == 0 || DateTime.UtcNow > deadline)
            {
                if (total > 0)
                {
                    Console.WriteLine($"swarm: left by runner {instance}: {string.Join(", ", left.Where(pair => pair.Value > 0).Select(pair => $"{pair.Value} {pair.Key}"))}");
                }

                return total;
            }
        }
    }

    /// <summary>The manager's tags of function images for the swarm's registry: the registry goes with the swarm, its names need not stay.</summary>
    public async Task RemoveRegistryTagsAsync(CancellationToken cancellationToken)
    {
        var tags = (await Commands.DockerAsync(cancellationToken, "images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", $"reference={Registry}/mlops-functions"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (tags.Length > 0)
        {
            await Commands.DockerAsync(cancellationToken, ["rmi", .. tags]);
        }
    }

    private static int Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

    private static string Script(string root) => Path.Combine(root, "scripts", "two-node-swarm.sh");
}
