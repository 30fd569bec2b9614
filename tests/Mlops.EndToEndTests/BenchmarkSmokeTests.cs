using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Mlops.EndToEndTests;

/// <summary>The benchmark in quick mode (a few samples of everything), so that it cannot rot. Its numbers are not judged here.</summary>
public sealed class BenchmarkSmokeTests : IDisposable
{
    private readonly DirectoryInfo _results = Directory.CreateTempSubdirectory("mlops-benchmark-results-");

    public void Dispose() => _results.Delete(recursive: true);

    [Fact]
    public async Task QuickMode_MeasuresEverythingAndLeavesNothing()
    {
        var benchmark = Path.Combine(RepositoryPaths.Root, "tests", "Mlops.Benchmarks", "bin", RepositoryPaths.Configuration, "net10.0", "Mlops.Benchmarks.dll");
        var info = new ProcessStartInfo("dotnet", [benchmark, "--quick", "--results", _results.FullName]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(bound.Token);

        var printed = await output + await errors;
        Assert.True(process.ExitCode == 0, printed);
        Assert.Contains("leaked containers: 0", printed);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(Assert.Single(_results.GetFiles("benchmark-*.json")).FullName))!;
        var measures = json["measures"]!.AsArray().Select(m => m!["Name"]!.GetValue<string>()).ToList();
        foreach (var expected in new[]
                 {
                     "build train, after a one-line change", "  container start", "train (100 trees/class), REST via NGINX",
                     "predict (one flower), gRPC", "predict x4 at concurrency 2, per request",
                 })
        {
            Assert.Contains(expected, measures);
        }

        Assert.Contains(json["figures"]!.AsArray(), f => f!["name"]!.GetValue<string>() == "runner RSS, peak" && f["value"]!.GetValue<double>() > 10);
        Assert.Equal(Environment.ProcessorCount, json["cores"]!.GetValue<int>());
    }
}
