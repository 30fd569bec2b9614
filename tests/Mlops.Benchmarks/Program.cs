using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Mlops.Benchmarks;
using Mlops.V1;

// Usage: dotnet run -c Release --project tests/Mlops.Benchmarks [-- --invocations 20 --base-port 15080]
var invocations = Option("--invocations", 20);
var basePort = Option("--base-port", 15080);

Console.WriteLine($"Starting the system (AppHost) on ports {basePort}-{basePort + 2}...");
await using var system = await SystemUnderTest.StartAsync(basePort, TimeSpan.FromMinutes(3));
using var channel = GrpcChannel.ForAddress(system.RunnerAddress);
var client = new Runner.RunnerClient(channel);

// The image is built once up front: this measures warm invocations, one fresh container each.
await foreach (var _ in client.BuildImage(new BuildImageRequest { Function = "hello" }).ResponseStream.ReadAllAsync())
{
}

await InvokeAsync(client);
var samples = new Samples();
for (var i = 0; i < invocations; i++)
{
    var clock = Stopwatch.StartNew();
    var completed = await InvokeAsync(client);
    var wall = clock.Elapsed;
    var phases = completed.Phases;
    samples.Add("trivial invocation, wall time (gRPC client)", wall);
    samples.Add("  resolve image (cache hit)", phases.Image.ToTimeSpan());
    samples.Add("  container create", phases.Create.ToTimeSpan());
    samples.Add("  container start", phases.Start.ToTimeSpan());
    samples.Add("  container wait (the function runs)", phases.Run.ToTimeSpan());
    samples.Add("  container remove", phases.Remove.ToTimeSpan());
    samples.Add("control-plane overhead (wall - wait)", wall - phases.Run.ToTimeSpan());
}

var leaked = await LeakedContainersAsync();
var stamp = DateTimeOffset.UtcNow;
Console.WriteLine();
Console.WriteLine($"Mlops benchmark, {stamp:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, function 'hello'");
Console.WriteLine($"| {"measure",-44} | {"median ms",10} | {"p95 ms",10} | {"n",4} |");
Console.WriteLine($"|{new string('-', 46)}|{new string('-', 12)}|{new string('-', 12)}|{new string('-', 6)}|");
foreach (var summary in samples.Summaries())
{
    Console.WriteLine(summary.Row());
}

Console.WriteLine($"leaked containers: {leaked}");

var results = Path.Combine(SystemUnderTest.RepositoryRoot, "results");
Directory.CreateDirectory(results);
var file = Path.Combine(results, $"benchmark-{stamp:yyyyMMdd-HHmmss}.json");
await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
{
    date = stamp,
    cores = Environment.ProcessorCount,
    measures = samples.Summaries(),
    leakedContainers = leaked,
}, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"written to {file}");
return leaked == 0 ? 0 : 1;

static async Task<InvocationCompleted> InvokeAsync(Runner.RunnerClient client)
{
    using var call = client.Invoke(new InvokeRequest { Function = "hello", Parameters = new Struct() }, deadline: DateTime.UtcNow.AddMinutes(2));
    InvocationCompleted? completed = null;
    await foreach (var item in call.ResponseStream.ReadAllAsync())
    {
        completed = item.Completed ?? completed;
    }

    return completed ?? throw new InvalidOperationException("the stream ended without a completed event");
}

static async Task<int> LeakedContainersAsync()
{
    using var docker = Process.Start(new ProcessStartInfo("docker", ["ps", "-aq", "--filter", "label=mlops.invocation"]) { RedirectStandardOutput = true })!;
    var output = await docker.StandardOutput.ReadToEndAsync();
    await docker.WaitForExitAsync();
    return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
