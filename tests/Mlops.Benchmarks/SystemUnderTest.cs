using System.Diagnostics;
using System.Net.Http.Json;
using System.Reflection;

namespace Mlops.Benchmarks;

/// <summary>The whole system started as a user starts it (the AppHost), on ports of its own; stopped with SIGTERM.</summary>
internal sealed class SystemUnderTest : IAsyncDisposable
{
    private readonly Process _appHost;

    private SystemUnderTest(Process appHost, int runnerPort)
    {
        _appHost = appHost;
        RunnerAddress = $"http://127.0.0.1:{runnerPort}";
    }

    public string RunnerAddress { get; }

    public static string RepositoryRoot { get; } = typeof(SystemUnderTest).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public static async Task<SystemUnderTest> StartAsync(int basePort, TimeSpan timeout)
    {
        var configuration = typeof(SystemUnderTest).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var appHost = Path.Combine(RepositoryRoot, "Mlops.AppHost", "bin", configuration, "net10.0", "Mlops.AppHost.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     appHost, $"--Endpoints:runner:grpc={basePort + 1}", $"--Endpoints:gateway:http={basePort}", $"--Endpoints:dashboard:http={basePort + 2}",
                 })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the AppHost");
        var output = new List<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var system = new SystemUnderTest(process, basePort + 1);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                var resources = await http.GetFromJsonAsync<List<Resource>>($"http://127.0.0.1:{basePort + 2}/api/resources");
                if (resources is { Count: > 0 } && resources.All(r => r.State == "Running"))
                {
                    return system;
                }
            }
            catch (HttpRequestException)
            {
                // Not up yet.
            }

            await Task.Delay(250);
        }

        await system.DisposeAsync();
        lock (output)
        {
            throw new InvalidOperationException($"the system did not come up within {timeout.TotalSeconds:0} s:\n{string.Join('\n', output.TakeLast(30))}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_appHost.HasExited)
        {
            // The AppHost stops its children in order on SIGTERM; Process.Kill would orphan them.
            using var kill = Process.Start("kill", ["-TERM", _appHost.Id.ToString()]);
            await kill.WaitForExitAsync();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _appHost.WaitForExitAsync(grace.Token);
        }

        _appHost.Dispose();
    }

    private sealed record Resource(string Name, string State);
}
