using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Mlops.Testing;

/// <summary>
/// The whole system started the way `dotnet run --project Mlops.AppHost` starts it — the role
/// Aspire.Hosting.Testing would play — on free ports, with its own data, logs and runner instance.
/// Shared by the end-to-end tests and the benchmark (linked into both projects).
/// </summary>
public sealed class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private AppHostProcess(Process process, Dictionary<string, int> ports, string root, string instance, string dashboardToken)
    {
        DashboardToken = dashboardToken;
        _process = process;
        Ports = ports;
        Root = root;
        Instance = instance;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public IReadOnlyDictionary<string, int> Ports { get; }

    public string Root { get; }

    public string Instance { get; }

    public string FrontDoor => $"http://127.0.0.1:{Ports["nginx:http"]}";

    public string FrontDoorGrpc => $"http://127.0.0.1:{Ports["nginx:grpc"]}";

    public string Dashboard => $"http://127.0.0.1:{Ports["dashboard:http"]}";

    public string Runner => $"http://127.0.0.1:{Ports["runner:grpc"]}";

    /// <summary>The dashboard's browser token, fixed for this run (Dashboard__Token) so that tests can log in.</summary>
    public string DashboardToken { get; }

    /// <summary>The admin key the AppHost wrote to data/secrets/admin.key on start.</summary>
    public string AdminKey => BearerHandler.AdminKeyIn(Path.Combine(Root, "data"));

    /// <summary>A client of <paramref name="baseAddress"/> that sends <paramref name="key"/> (the admin key by default).</summary>
    public HttpClient Http(string baseAddress, TimeSpan? timeout = null, string? key = null) =>
        BearerHandler.Client(baseAddress, key ?? AdminKey, timeout ?? TimeSpan.FromMinutes(5));

    /// <summary>The dashboard, logged in.</summary>
    public HttpClient DashboardHttp() => Http(Dashboard, TimeSpan.FromSeconds(30), DashboardToken);

    /// <summary>The runner's process id, for memory readings.</summary>
    public int? RunnerProcessId => ProcessIdOf("runner");

    /// <summary>The process id of one of the AppHost's resources (for NGINX, its master), found among the AppHost's children.</summary>
    public int? ProcessIdOf(string resource)
    {
        var marker = resource switch
        {
            // Its native executable (the AppHost runs it so), or its assembly.
            "runner" => "Mlops.Runner",
            "gateway" => "Mlops.Gateway.dll",
            "nginx" => "nginx",
            _ => throw new ArgumentException($"the AppHost has no resource {resource}", nameof(resource)),
        };
        return Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : (int?)null)
            .Where(pid => pid is not null)
            .FirstOrDefault(pid =>
            {
                try
                {
                    return File.ReadAllText($"/proc/{pid}/cmdline").Contains(marker, StringComparison.Ordinal)
                           && File.ReadAllText($"/proc/{pid}/status").Contains($"PPid:\t{_process.Id}\n", StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
            });
    }

    /// <summary>The AppHost's own process id (its containers carry it in their labels).</summary>
    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <param name="repositoryRoot">Where Mlops.sln is.</param>
    /// <param name="configuration">The build configuration whose AppHost output to run.</param>
    /// <param name="functionsPath">The runner's functions folder, when not the repository's.</param>
    /// <param name="arguments">More of the AppHost's command line (e.g. --mlflow).</param>
    /// <param name="endpoints">More endpoints to put on free ports (e.g. mlflow:http).</param>
    public static async Task<AppHostProcess> StartAsync(string repositoryRoot, string configuration, TimeSpan timeout, string? functionsPath = null,
        IReadOnlyList<string>? arguments = null, IReadOnlyList<string>? endpoints = null)
    {
        string[] allEndpoints = ["runner:grpc", "gateway:http", "gateway:grpc", "nginx:http", "nginx:grpc", "dashboard:http", "dashboard:otlp", .. endpoints ?? []];
        var ports = allEndpoints.Zip(FreePorts(allEndpoints.Length)).ToDictionary(pair => pair.First, pair => pair.Second);
        var root = Directory.CreateTempSubdirectory("mlops-e2e-").FullName;
        var instance = $"e2e-{Guid.NewGuid():N}"[..16];
        // Started from the repository's root, as the README's command starts it.
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = repositoryRoot };
        info.ArgumentList.Add(Path.Combine(repositoryRoot, "Mlops.AppHost", "bin", configuration, "net10.0", "Mlops.AppHost.dll"));
        foreach (var (endpoint, port) in ports)
        {
            info.ArgumentList.Add($"--Endpoints:{endpoint}={port}");
        }

        foreach (var argument in arguments ?? [])
        {
            info.ArgumentList.Add(argument);
        }

        // The services inherit the AppHost's environment: keep this run's state out of the repository's data/.
        info.Environment["Runner__DataPath"] = Path.Combine(root, "data");
        info.Environment["Auth__DataPath"] = Path.Combine(root, "data");
        info.Environment["Runner__LogsPath"] = Path.Combine(root, "logs");
        info.Environment["Runner__InstanceName"] = instance;
        if (functionsPath is not null)
        {
            info.Environment["Runner__FunctionsPath"] = functionsPath;
        }

        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");

        var token = Guid.NewGuid().ToString("N");
        info.Environment["Dashboard__Token"] = token;
        var host = new AppHostProcess(Process.Start(info)!, ports, root, instance, token);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        for (var deadline = DateTime.UtcNow + timeout; DateTime.UtcNow < deadline && !host.HasExited; await Task.Delay(500))
        {
            try
            {
                var resources = await http.GetFromJsonAsync<JsonArray>($"{host.Dashboard}/api/resources");
                if (resources is { Count: >= 3 } && resources.All(r => r!["state"]!.GetValue<string>() == "Running"))
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
                // Not up yet.
            }
        }

        await host.DisposeAsync();
        throw new InvalidOperationException($"the AppHost did not bring everything up:\n{host.Output}");
    }

    /// <summary>What Ctrl+C sends.</summary>
    public async Task InterruptAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }

        using var grace = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(grace.Token);
    }

    public static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await InterruptAsync(TimeSpan.FromSeconds(60));
            }
            catch (OperationCanceledException)
            {
                // A process started in the background by a non-interactive shell ignores SIGINT: end it anyway,
                // and what it started, rather than leave them running.
                Console.Error.WriteLine($"the AppHost ({_process.Id}) did not stop within 60 s of SIGINT: killing it and its children");
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        Directory.Delete(Root, recursive: true);
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort() => FreePorts(1)[0];

    /// <summary>Distinct loopback ports nobody listens on right now: all held open until all are chosen, so none repeats.</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }
}
