using System.Diagnostics;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using Mlops.Testing;
using Mlops.V1;

namespace Mlops.Benchmarks;

/// <summary>
/// The Swarm backend beside the local engine in one run: the benchmark's system, whose runner starts every function
/// container on the local engine (its warm pool off: the Swarm backend has none yet), and a second system whose runner
/// has Containers:Backend=Swarm and runs every invocation as a one-shot task on the two-node swarm the benchmark brings
/// up for it, and takes down again whatever happens. hello and the test function echo go over REST through each
/// system's NGINX, one call of each side in turn, so that a machine getting busier or quieter moves both alike; then a
/// burst of hellos at a fixed concurrency, local then swarm. Then serving: an endpoint of predict with 2 replicas on
/// each side (the swarm's on its two nodes, reached through the runner's edge), one prediction at a time alternating
/// side by side, and a burst at concurrency 16, local then swarm.
/// </summary>
internal sealed class SwarmMeasurements(AppHostProcess app, GrpcChannel channel, string root, string configuration, string functions, Measurements measure, Runner.RunnerClient runner, Samples samples, bool quick)
{
    public const string Local = "local engine";
    public const string Swarm = "two-node swarm";

    /// <summary>The test functions the rows call beside the repository's hello: the benchmark copies them into its functions.</summary>
    public static readonly string[] TestFunctions = ["echo"];

    /// <summary>The endpoint each side serves predict from, deleted again at the end of the serving rows.</summary>
    private const string Endpoint = "swarm-bench";

    private const int WarmUpCalls = 4;
    private const int WarmUpBatches = 3;

    private static readonly (string Function, string Label, JsonObject Parameters)[] Functions =
    [
        ("hello", "hello (trivial)", new JsonObject()),
        ("echo", "echo (test function)", new JsonObject { ["message"] = "benchmark" }),
    ];

    private static readonly (string Name, Func<PhaseDurations, Google.Protobuf.WellKnownTypes.Duration?> Of)[] Steps =
    [
        ("in the runner (its total)", p => p.Total),
        ("queued for an invocation slot", p => p.Queue),
        ("container create (swarm: the image in the registry)", p => p.Create),
        ("container start (swarm: input configs, the service)", p => p.Start),
        ("running (swarm: scheduled, run, its end and log read)", p => p.Run),
        ("container remove (swarm: the service and its configs)", p => p.Remove),
    ];

    private readonly List<(string Name, double Value, string Unit)> _figures = measure.Figures;

    /// <summary>The rows and figures; what the swarm side left behind (its services, configs, task containers, the swarm itself).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        // Before the try: a swarm that is not the benchmark's is not taken down either.
        await TwoNodeSwarm.RefuseAnotherAsync(cancellationToken);
        TwoNodeSwarm? swarm = null;
        int left;
        try
        {
            Console.WriteLine("swarm: bringing the two-node swarm up (scripts/two-node-swarm.sh up)...");
            swarm = await TwoNodeSwarm.UpAsync(root, cancellationToken);
            Console.WriteLine($"swarm: starting a second system, its runner with Containers:Backend=Swarm and the registry {swarm.Registry}...");
            var settings = new Dictionary<string, string> { ["Containers__Backend"] = "Swarm", ["Swarm__Registry"] = swarm.Registry, ["Pool__Enabled"] = "false" };
            string instance;
            await using (var system = await AppHostProcess.StartAsync(root, configuration, TimeSpan.FromMinutes(4), functions, environment: settings))
            {
                instance = system.Instance;
                await MeasureAsync(system, swarm, cancellationToken);
            }

            left = await swarm.LeftoversAsync(instance, cancellationToken);
        }
        finally
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            try
            {
                if (swarm is not null)
                {
                    await swarm.RemoveRegistryTagsAsync(bound.Token);
                }
            }
            finally
            {
                Console.WriteLine("swarm: taking the two-node swarm down (scripts/two-node-swarm.sh down)...");
                await TwoNodeSwarm.DownAsync(root, bound.Token);
            }
        }

        _figures.Add(("swarm: services, configs and task containers left on the two nodes", left, ""));
        var state = await TwoNodeSwarm.LocalStateAsync(cancellationToken);
        if (state != "inactive")
        {
            Console.WriteLine($"swarm: the local engine is still in a swarm after down ({state})");
            left++;
        }

        return left;
    }

    private async Task MeasureAsync(AppHostProcess system, TwoNodeSwarm swarm, CancellationToken cancellationToken)
    {
        var pairs = quick ? 3 : 40;
        var total = quick ? 4 : 16;
        var concurrency = quick ? 2 : 4;
        using var channel = GrpcChannel.ForAddress(system.Runner, new GrpcChannelOptions { HttpHandler = new BearerHandler(system.AdminKey) });
        using var frontDoor = system.Http(system.FrontDoor, TimeSpan.FromMinutes(10));
        var swarmRunner = new Runner.RunnerClient(channel);
        Side[] sides = [new(Local, measure, runner), new(Swarm, new Measurements(swarmRunner, frontDoor, samples), swarmRunner)];
        foreach (var (function, label, parameters) in Functions)
        {
            Console.WriteLine($"swarm: building {function} through both runners (one build, then a cache hit)...");
            foreach (var side in sides)
            {
                await side.Measure.BuildAsync(function, cancellationToken);
            }

            await WarmUpAsync(system, sides, function, parameters, cancellationToken);
            Console.WriteLine($"swarm: {pairs} calls of {function} on the local engine and on the swarm in turn...");
            for (var i = 0; i < pairs; i++)
            {
                foreach (var side in sides)
                {
                    var clock = Stopwatch.StartNew();
                    await side.Measure.InvokeRestAsync(function, parameters, cancellationToken);
                    samples.Add($"{label}, REST via NGINX, {side.Name}", clock.Elapsed);
                }
            }

            await AddRunnerFiguresAsync(system, swarm, sides, label, function, pairs, cancellationToken);
        }

        var (hello, _, none) = Functions[0];
        var name = $"{hello} x{total} at concurrency {concurrency}";
        Console.WriteLine($"swarm: {name}, on the local engine, then on the swarm...");
        var rates = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var side in sides)
        {
            var cpu = Engine.CpuTimes();
            rates[side.Name] = await measure.ThroughputAsync($"{name}, {side.Name}", total, concurrency, () => side.Measure.InvokeRestAsync(hello, none, cancellationToken));
            _figures.Add(($"{name}, {side.Name}: the machine's CPU busy (both nodes')", Engine.BusyPercentSince(cpu), "%"));
        }

        _figures.Add(($"{name}, {Local} / {Swarm} throughput", rates[Local] / rates[Swarm], "x"));
        await AddRunnerFiguresAsync(system, swarm, sides, name, hello, total, cancellationToken);

        await ServeAsync(system, channel, sides, cancellationToken);
    }

    /// <summary>
    /// An endpoint of predict with min = max = 2 replicas on each side, a model trained on each first; on the swarm, its
    /// replicas' nodes (two different ones expected). One flower at a time, local and swarm alternating call by call, then
    /// a burst at concurrency 16 on each side, local then swarm. Both endpoints are deleted, whatever happens.
    /// </summary>
    private async Task ServeAsync(AppHostProcess system, GrpcChannel swarmChannel, Side[] sides, CancellationToken cancellationToken)
    {
        var pairs = quick ? 10 : 300;
        var total = quick ? 64 : 5000;
        const int concurrency = 16;
        foreach (var side in sides)
        {
            Console.WriteLine($"swarm: building train and predict and training a model on the {side.Name}...");
            await side.Measure.BuildAsync("train", cancellationToken);
            await side.Measure.BuildAsync("predict", cancellationToken);
            await side.Measure.InvokeRestAsync("train", new JsonObject(), cancellationToken);
        }

        var serving = new Dictionary<string, ServingMeasurements>(StringComparer.Ordinal)
        {
            [Local] = new(app, channel, samples, _figures, quick),
            [Swarm] = new(system, swarmChannel, samples, _figures, quick),
        };
        var made = new List<string>();
        try
        {
            foreach (var side in sides)
            {
                Console.WriteLine($"swarm: an endpoint of predict with 2 replicas on the {side.Name}...");
                made.Add(side.Name);
                var clock = Stopwatch.StartNew();
                await serving[side.Name].PutAsync(Endpoint, "latest", min: 2, max: 2);
                _figures.Add(($"serve: endpoint with 2 replicas ready, {side.Name}", clock.Elapsed.TotalSeconds, "s"));
            }

            var nodes = await ReplicaNodesAsync(Endpoint, cancellationToken);
            Console.WriteLine($"swarm: the endpoint's running replicas are on {string.Join(", ", nodes)}");
            _figures.Add(($"serve: the swarm endpoint's running replicas on different nodes ({string.Join(", ", nodes)})", nodes.Distinct(StringComparer.Ordinal).Count(), $"of {nodes.Count}"));

            // Warm: connections, the JIT's second tier, each replica's first answers.
            for (var i = 0; i < (quick ? 10 : 50); i++)
            {
                foreach (var side in sides)
                {
                    await serving[side.Name].PredictAsync(Endpoint);
                }
            }

            Console.WriteLine($"swarm: {pairs} predictions on the local engine and on the swarm in turn...");
            for (var i = 0; i < pairs; i++)
            {
                foreach (var side in sides)
                {
                    var clock = Stopwatch.StartNew();
                    await serving[side.Name].PredictAsync(Endpoint);
                    samples.Add($"serve: predict (one flower), c=1, {side.Name}", clock.Elapsed);
                }
            }

            var rates = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var side in sides)
            {
                Console.WriteLine($"swarm: {total} predictions at concurrency {concurrency} on the {side.Name}...");
                var cpu = Engine.CpuTimes();
                var label = $"{side.Name}, 2 replicas";
                await serving[side.Name].ThroughputAsync(label, total, concurrency, () => serving[side.Name].PredictAsync(Endpoint));
                rates[side.Name] = _figures[^1].Value;
                _figures.Add(($"serve: predict x{total} at concurrency {concurrency}, {side.Name}: the machine's CPU busy (both nodes')", Engine.BusyPercentSince(cpu), "%"));
            }

            _figures.Add(($"serve: predict x{total} at concurrency {concurrency}, {Local} / {Swarm} throughput", rates[Local] / rates[Swarm], "x"));
        }
        finally
        {
            foreach (var side in made)
            {
                await serving[side].DeleteAsync(Endpoint);
            }
        }

        var left = await ReplicaServicesAsync(Endpoint, cancellationToken);
        _figures.Add(("serve: the swarm endpoint's replica services left after its delete", left.Count, ""));
    }

    /// <summary>The nodes of the swarm endpoint's running replica tasks (services labelled mlops.endpoint=name), as docker service ps names them.</summary>
    private static async Task<List<string>> ReplicaNodesAsync(string endpoint, CancellationToken cancellationToken)
    {
        var nodes = new List<string>();
        foreach (var service in await ReplicaServicesAsync(endpoint, cancellationToken))
        {
            var ps = await Commands.DockerAsync(cancellationToken, "service", "ps", service, "--filter", "desired-state=running", "--format", "{{.Node}} {{.CurrentState}}");
            nodes.AddRange(ps.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains(" Running", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]));
        }

        return nodes;
    }

    private static async Task<List<string>> ReplicaServicesAsync(string endpoint, CancellationToken cancellationToken) =>
        [.. (await Commands.DockerAsync(cancellationToken, "service", "ls", "-q", "--filter", $"label=mlops.endpoint={endpoint}")).Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>
    /// The calls no row counts: a side's first start of an image reads its layers from disk; on the swarm, the first call
    /// also pushes the image to the registry, and each node pulls it at its first task of it. Calls at once, in batches,
    /// until both nodes have run the function (the scheduler spreads tasks, but does not promise it).
    /// </summary>
    private static async Task WarmUpAsync(AppHostProcess system, Side[] sides, string function, JsonObject parameters, CancellationToken cancellationToken)
    {
        await sides[0].Measure.InvokeRestAsync(function, parameters, cancellationToken);
        var swarm = sides[1];
        // One call alone first: the runner makes its overlay network at its first task, and first tasks at once race
        // for it (one of them fails: "network mlops-functions (Swarm:Network) exists but is not an internal, attachable
        // overlay network").
        await swarm.Measure.InvokeRestAsync(function, parameters, cancellationToken);
        var nodes = new HashSet<string>(StringComparer.Ordinal);
        for (var batch = 1; batch <= WarmUpBatches && nodes.Count < 2; batch++)
        {
            await Task.WhenAll(Enumerable.Range(0, WarmUpCalls).Select(_ => swarm.Measure.InvokeRestAsync(function, parameters, cancellationToken)));
            var ran = await RunnerHistory.NewestAsync(swarm.Runner, function, WarmUpCalls, cancellationToken);
            nodes.UnionWith((await SwarmNodes.OfAsync(system, ran.Select(i => SwarmNodes.TaskName(function, i.Id)).ToList(), cancellationToken)).Values);
        }

        if (nodes.Count < 2)
        {
            Console.WriteLine($"swarm: {function}'s warm-up ran on {string.Join(", ", nodes)} only: the other node's first pull of it falls in a row");
        }
    }

    /// <summary>Where each side's calls of the row spent their time in its runner, and on which node the swarm's ran.</summary>
    private async Task AddRunnerFiguresAsync(AppHostProcess system, TwoNodeSwarm swarm, Side[] sides, string name, string function, int count, CancellationToken cancellationToken)
    {
        foreach (var side in sides)
        {
            var batch = await RunnerHistory.NewestAsync(side.Runner, function, count, cancellationToken);
            foreach (var (step, of) in Steps)
            {
                _figures.Add(($"{name}, {side.Name}: median {step}", Median(batch.Select(i => of(i.Phases)?.ToTimeSpan() ?? TimeSpan.Zero)), "ms"));
            }

            if (side.Name == Swarm)
            {
                var tasks = batch.Select(i => SwarmNodes.TaskName(function, i.Id)).ToList();
                var nodes = await SwarmNodes.OfAsync(system, tasks, cancellationToken);
                foreach (var node in nodes.Values.GroupBy(n => n, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    var role = node.Key == swarm.WorkerName ? "worker" : "manager";
                    _figures.Add(($"{name}, {Swarm}: tasks that ran on {node.Key} ({role})", node.Count(), $"of {tasks.Count}"));
                }

                if (nodes.Count < tasks.Count)
                {
                    _figures.Add(($"{name}, {Swarm}: tasks whose node the dashboard did not have", tasks.Count - nodes.Count, $"of {tasks.Count}"));
                }
            }
        }
    }

    private static double Median(IEnumerable<TimeSpan> values) => values.Select(v => v.TotalMilliseconds).Order().ElementAt(values.Count() / 2);

    private sealed record Side(string Name, Measurements Measure, Runner.RunnerClient Runner);
}
