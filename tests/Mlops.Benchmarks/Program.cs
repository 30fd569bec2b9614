using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using Mlops.Benchmarks;
using Mlops.Testing;
using Mlops.V1;

// Usage: dotnet run -c Release --project tests/Mlops.Benchmarks [-- --cold-builds] [--quick] [--serving] [--cold-path] [--pool] [--swarm] [--results DIR]
//   --cold-builds  first builds start from nothing (the functions' images and build stages are removed)
//   --quick        a few samples of everything (the test suite runs this, so the benchmark cannot rot); with --pool, of the pool's rows
//   --serving      online serving only (trains one model for it first)
//   --pool         the warm pool only (issue 25): hello and predict pooled beside hello-cold and predict-cold (the same files
//                  without the pool block) over REST, one call of each in turn; predict x40 at concurrency 8 both ways; an
//                  idle pooled container's memory; how long an idle pool takes to empty (trains one model for predict first).
//                  The other modes' hello and predict rows call the -cold copies, so they keep measuring the cold path.
//   --pipelines    the iris pipeline only: cold, fully cached, one training's parameter changed
//   --cold-path    predict's cold path only, one start-up setting at a time (trains one model for it first)
//   --swarm        the Swarm backend beside the local engine (issue 26): brings up scripts/two-node-swarm.sh's swarm and a
//                  second system whose runner runs invocations as swarm tasks on it; hello and echo (a test function),
//                  one call of each side in turn over REST, and hello x16 at concurrency 4 both ways, the warm pool off
//                  on both sides; then an endpoint of predict with 2 replicas on each side (the swarm's on both nodes):
//                  one flower at a time alternating, and predictions at concurrency 16 local then swarm, the endpoints
//                  deleted after; takes the swarm down at the end. Needs root; refuses when the engine is in a swarm already.
//   --abuse        issue 22's abuse run, with the system's default limits: a developer key asking for 100 endpoints of
//                  64 replicas and 1,000 async invocations, 10,000 random bearer tokens, a replica that never answers and
//                  one that answers a gigabyte; the bystanders' health checks and predictions timed throughout
//   --runner-memory  the runner alone, no AppHost: its RSS settled after start and after N hello invocations
//                    (--mixed: builds, trainings and predictions first), for each variant in turn, round after round
//                    [--variant name:DOTNET_X=1,BIN=dir,...]... [--rounds N] [--invocations N] [--mixed]
//                    [--breakdown (RSS by mapping)] [--hold SECONDS] [--runner-bin DIR]
//                    (default: the native runner the AppHost runs; BIN=Mlops.Runner/bin/Release/net10.0 for the JIT-compiled one)
var quick = args.Contains("--quick");
var servingOnly = args.Contains("--serving");
var coldBuilds = args.Contains("--cold-builds");
var coldPath = args.Contains("--cold-path");
var abuse = args.Contains("--abuse");
var pipelinesOnly = args.Contains("--pipelines");
var poolOnly = args.Contains("--pool");
var swarmOnly = args.Contains("--swarm");
var everything = !(servingOnly || coldPath || pipelinesOnly || poolOnly || swarmOnly);
var invocations = quick ? 3 : 20;
var trains = quick ? 1 : 5;
var throughputRequests = quick ? 4 : 40;
int[] concurrencies = quick ? [1, 2] : [1, 4, 8];
var root = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
var configuration = typeof(Program).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
var resultsIndex = Array.IndexOf(args, "--results");
if (args.Contains("--runner-memory"))
{
    return await RunnerMemory.RunAsync(root, args);
}

if (swarmOnly)
{
    // Before anything starts (SwarmMeasurements asks again right before making its swarm).
    await TwoNodeSwarm.RefuseAnotherAsync(CancellationToken.None);
}

var results = resultsIndex >= 0 && resultsIndex + 1 < args.Length ? args[resultsIndex + 1] : Path.Combine(root, "results");

// A copy of the functions: the one-line-change rebuild must not touch the repository.
var functions = Directory.CreateTempSubdirectory("mlops-benchmark-functions-").FullName;
// The abuse run's broken replicas and the swarm rows' echo are test functions.
string[] testFunctions = abuse ? ["replica-hangs", "replica-floods"] : swarmOnly ? SwarmMeasurements.TestFunctions : [];
foreach (var source in new[] { "hello", "train", "predict", "iris-split" }.Select(f => Path.Combine(root, "functions", f))
             .Concat(testFunctions.Select(f => Path.Combine(root, "tests", "functions", f))))
{
    FunctionCopies.Copy(source, Path.Combine(functions, Path.GetFileName(source)));
}

// In every mode but --swarm: with the repository's 300 s idle time, a pool made by any row would still be there at the
// leak count. --swarm turns the pools off on both sides and calls hello as the repository has it.
if (!swarmOnly)
{
    PoolCopies.Prepare(functions);
}

if (coldPath)
{
    ColdPathMeasurements.Prepare(functions);
}

try
{
    Console.WriteLine("Starting the system (the AppHost, on free ports)...");
    // The benchmark measures capacity: the per-key request limit (RateLimits:RequestsPerSecond, 5,000 by
    // default) would cap serving's throughput rows instead. The key is still checked on every call. The abuse run
    // keeps every default: the limits are what it tries.
    if (!abuse)
    {
        Environment.SetEnvironmentVariable("RateLimits__RequestsPerSecond", "1000000");
    }

    // --swarm: the Swarm backend has no warm pool yet, so the local side it is compared with starts a container per call too.
    var settings = swarmOnly ? new Dictionary<string, string> { ["Pool__Enabled"] = "false" } : null;
    await using var app = await AppHostProcess.StartAsync(root, configuration, TimeSpan.FromMinutes(4), functions, environment: settings);
    using var channel = GrpcChannel.ForAddress(app.Runner, new GrpcChannelOptions { HttpHandler = new BearerHandler(app.AdminKey) });
    using var frontDoor = app.Http(app.FrontDoor, TimeSpan.FromMinutes(10));
    var samples = new Samples();
    var runnerClient = new Runner.RunnerClient(channel);
    var measure = new Measurements(runnerClient, frontDoor, samples);
    var pool = new PoolMeasurements(app.Instance, runnerClient, measure, samples, quick);
    var runner = app.RunnerProcessId ?? throw new InvalidOperationException("the runner's process was not found");
    var gateway = app.ProcessIdOf("gateway") ?? throw new InvalidOperationException("the gateway's process was not found");
    var idle = await Engine.SettledRssAsync(runner, TimeSpan.FromSeconds(10));
    var gatewayIdle = Engine.Memory(gateway).Rss;
    var orchestration = Orchestration.Memory(app.ProcessId);
    var swarmLeft = 0;

    if (abuse)
    {
        await new AbuseRun(app, measure.Figures).RunAsync(CancellationToken.None);
    }
    else if (swarmOnly)
    {
        swarmLeft = await new SwarmMeasurements(app, channel, root, configuration, functions, measure, runnerClient, samples, quick).RunAsync(CancellationToken.None);
    }
    else
    {
        foreach (var (function, changed) in everything ? new[] { ("hello", "hello.sh"), ("train", "Program.cs"), ("predict", "Program.cs") } : [])
        {
            Console.WriteLine($"building {function}...");
            await measure.BuildsAsync(function, functions, changed, coldBuilds, PoolCopies.IsPooled(function));
        }

        if (everything || poolOnly)
        {
            Console.WriteLine("building hello, predict and their -cold copies...");
            await pool.BuildAsync();
        }

        var flower = Struct.Parser.ParseJson("""{"features": [5.1, 3.5, 1.4, 0.2]}""");
        if (pipelinesOnly)
        {
            // The pipeline trains, registers and deploys its own model.
        }
        else if (servingOnly || coldPath || poolOnly)
        {
            // The endpoints and predict need a registered model.
            await measure.RestInvocationsAsync("train", "train (100 trees/class)", 1, []);
        }
        else
        {
            // hello and predict declare warm pools: these rows keep measuring a container started for each call (the
            // phases below would read 0 for a pooled one) through the copies without the pool block; --pool compares.
            Console.WriteLine("invoking...");
            await measure.GrpcInvocationsAsync(PoolCopies.Cold("hello"), "hello (trivial), wall time", invocations, new Struct(), phases: true);
            await measure.GrpcInvocationsAsync("train", "train (100 trees/class)", trains, new Struct());
            await measure.RestInvocationsAsync("train", "train (100 trees/class)", trains, []);
            await measure.GrpcInvocationsAsync(PoolCopies.Cold("predict"), "predict (one flower)", invocations, flower);
            await measure.RestInvocationsAsync(PoolCopies.Cold("predict"), "predict (one flower)", invocations, new JsonObject { ["features"] = new JsonArray(5.1, 3.5, 1.4, 0.2) });
            foreach (var concurrency in concurrencies)
            {
                Console.WriteLine($"{throughputRequests} predicts at concurrency {concurrency}...");
                await measure.ThroughputAsync(PoolCopies.Cold("predict"), throughputRequests, concurrency, flower);
            }
        }

        if (everything || poolOnly)
        {
            await pool.RunAsync(CancellationToken.None);
        }

        if (everything || pipelinesOnly)
        {
            Console.WriteLine("pipelines...");
            await new PipelineMeasurements(app, samples, measure.Figures, quick).RunAsync();
        }

        if (coldPath)
        {
            await new ColdPathMeasurements(measure, samples).RunAsync(invocations);
            await ColdPathMeasurements.ForgetAsync();
        }
        else if (everything || servingOnly)
        {
            Console.WriteLine("serving...");
            var serving = new ServingMeasurements(app, channel, samples, measure.Figures, quick);
            await serving.RunAsync();
        }
    }

    var peak = Engine.Memory(runner);
    measure.Figures.Add(("AppHost start to all healthy (built already)", app.StartedIn.TotalSeconds, "s"));
    measure.Figures.Add(("orchestration RSS, idle (AppHost, DCP, dashboard)", orchestration.Rss, "MB"));
    measure.Figures.Add(("orchestration PSS, idle (AppHost, DCP, dashboard)", orchestration.Pss, "MB"));
    measure.Figures.Add(("orchestration processes", orchestration.Processes, ""));
    measure.Figures.Add(("runner RSS, idle after start", idle, "MB"));
    // VmHWM: the most the runner ever held resident, start-up and every phase above included.
    measure.Figures.Add(("runner RSS, peak", peak.Peak, "MB"));
    measure.Figures.Add(("gateway RSS, idle after start", gatewayIdle, "MB"));
    measure.Figures.Add(("gateway RSS, peak", Engine.Memory(gateway).Peak, "MB"));
    await Engine.WaitForEmptyPoolsAsync(app.Instance, TimeSpan.FromSeconds(PoolCopies.IdleSeconds + 60));
    var leaked = await Engine.LeakedContainersAsync(app.Instance);
    // The runner keeps a function's newest few images: these would push the repository's own ones out. --swarm's hello is the repository's own.
    if (!swarmOnly)
    {
        measure.ChangedImages.AddRange(await pool.PooledCopiesImagesAsync(CancellationToken.None));
    }

    await Engine.RemoveImagesAsync(measure.ChangedImages.Distinct().ToList());

    var stamp = DateTimeOffset.UtcNow;
    Console.WriteLine();
    Console.WriteLine($"Mlops benchmark, {stamp:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores{(coldBuilds ? ", builds from nothing" : "")}{(poolOnly ? ", warm pool only" : "")}{(swarmOnly ? ", local engine and two-node swarm" : "")}{(quick ? ", quick mode" : "")}");
    Console.WriteLine($"| {"measure",-52} | {"median ms",10} | {"p95 ms",10} | {"p99 ms",10} | {"n",5} |");
    Console.WriteLine($"|{new string('-', 54)}|{new string('-', 12)}|{new string('-', 12)}|{new string('-', 12)}|{new string('-', 7)}|");
    foreach (var summary in samples.Summaries())
    {
        Console.WriteLine(summary.Row());
    }

    Console.WriteLine();
    foreach (var (name, value, unit) in measure.Figures)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {value:F1} {unit}"));
    }

    foreach (var (function, (image, own)) in measure.Sizes)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"image {function}: {image / 1e6:F1} MB, of which the function's own layers {own / 1e3:F1} kB"));
    }

    Console.WriteLine($"leaked containers: {leaked}");
    if (swarmOnly)
    {
        Console.WriteLine($"left on the swarm: {swarmLeft}");
    }

    Directory.CreateDirectory(results);
    var file = Path.Combine(results, $"benchmark-{stamp:yyyyMMdd-HHmmss}.json");
    await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
    {
        date = stamp,
        cores = Environment.ProcessorCount,
        coldBuilds,
        quick,
        measures = samples.Summaries(),
        figures = measure.Figures.Select(f => new { name = f.Name, value = f.Value, unit = f.Unit }),
        images = measure.Sizes.ToDictionary(pair => pair.Key, pair => new { imageBytes = pair.Value.Image, functionLayersBytes = pair.Value.Own }),
        leakedContainers = leaked,
        swarm = swarmOnly,
        leftOnTheSwarm = swarmLeft,
    }, new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"written to {file}");
    return leaked == 0 && swarmLeft == 0 ? 0 : 1;
}
finally
{
    Directory.Delete(functions, recursive: true);
}
