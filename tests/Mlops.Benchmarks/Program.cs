using System.Globalization;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using Mlops.Benchmarks;
using Mlops.V1;

// Usage: dotnet run -c Release --project tests/Mlops.Benchmarks [-- --invocations 20 --trains 5 --cold-builds --base-port 15080]
var invocations = Option("--invocations", 20);
var trains = Option("--trains", 5);
var basePort = Option("--base-port", 15080);
var coldBuilds = args.Contains("--cold-builds");

Console.WriteLine($"Starting the system (AppHost) on ports {basePort}-{basePort + 2}...");
await using var system = await SystemUnderTest.StartAsync(basePort, TimeSpan.FromMinutes(3));
using var channel = GrpcChannel.ForAddress(system.RunnerAddress);
var samples = new Samples();
var measure = new Measurements(new Runner.RunnerClient(channel), samples);

foreach (var function in new[] { "hello", "train", "predict" })
{
    Console.WriteLine($"building {function}...");
    await measure.BuildsAsync(function, coldBuilds);
}

Console.WriteLine("invoking...");
await measure.InvocationsAsync("hello", "hello (trivial)", invocations, new Struct(), phases: true);
await measure.InvocationsAsync("train", "train (100 trees/class)", trains, new Struct());
await measure.InvocationsAsync("predict", "predict (one flower)", invocations, Struct.Parser.ParseJson("""{"features": [5.1, 3.5, 1.4, 0.2]}"""));

var leaked = await Engine.LeakedContainersAsync();
var stamp = DateTimeOffset.UtcNow;
Console.WriteLine();
Console.WriteLine($"Mlops benchmark, {stamp:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores{(coldBuilds ? ", builds from nothing" : "")}");
Console.WriteLine($"| {"measure",-44} | {"median ms",10} | {"p95 ms",10} | {"n",4} |");
Console.WriteLine($"|{new string('-', 46)}|{new string('-', 12)}|{new string('-', 12)}|{new string('-', 6)}|");
foreach (var summary in samples.Summaries())
{
    Console.WriteLine(summary.Row());
}

Console.WriteLine();
foreach (var (function, (image, own)) in measure.Sizes)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"image {function}: {image / 1e6:F1} MB, of which the function's own layers {own / 1e3:F1} kB"));
}

Console.WriteLine($"leaked containers: {leaked}");

var results = Path.Combine(SystemUnderTest.RepositoryRoot, "results");
Directory.CreateDirectory(results);
var file = Path.Combine(results, $"benchmark-{stamp:yyyyMMdd-HHmmss}.json");
await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
{
    date = stamp,
    cores = Environment.ProcessorCount,
    coldBuilds,
    measures = samples.Summaries(),
    images = measure.Sizes.ToDictionary(pair => pair.Key, pair => new { imageBytes = pair.Value.Image, functionLayersBytes = pair.Value.Own }),
    leakedContainers = leaked,
}, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"written to {file}");
return leaked == 0 ? 0 : 1;

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
