using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Mlops.Testing;

/// <summary>
/// The whole system as a process, started the way `dotnet run --project Mlops.AppHost` starts it, on free ports,
/// with its own data, logs and runner instance: for what only a process shows (signals, its exit, its memory).
/// The benchmark measures through it; the end-to-end tests start the AppHost through Aspire.Hosting.Testing
/// otherwise.
/// </summary>
public sealed class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private readonly long _started;
    private TimeSpan? _startedIn;

    private AppHostProcess(Process process, long started, Dictionary<string, int> ports, string root, string instance, string dashboardToken)
    {
        _started = started;
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

    /// <summary>The dashboard's browser token, fixed for this run (Dashboard__Token) so that a browser can log in.</summary>
    public string DashboardToken { get; }

    /// <summary>The admin key the AppHost wrote to data/secrets/admin.key on start.</summary>
    public string AdminKey => BearerHandler.AdminKeyIn(Path.Combine(Root, "data"));

    /// <summary>A client of <paramref name="baseAddress"/> that sends <paramref name="key"/> (the admin key by default).</summary>
    public HttpClient Http(string baseAddress, TimeSpan? timeout = null, string? key = null) =>
        BearerHandler.Client(baseAddress, key ?? AdminKey, timeout ?? TimeSpan.FromMinutes(5));

    /// <summary>The dashboard's telemetry API (/api/telemetry/...), with the key the AppHost keeps in data/secrets/dashboard.key.</summary>
    public HttpClient TelemetryApi()
    {
        var http = new HttpClient { BaseAddress = new Uri(Dashboard), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-API-Key", File.ReadAllText(Path.Combine(Root, "data", "secrets", "dashboard.key")).Trim());
        return http;
    }

    /// <summary>The runner's process id, for memory readings.</summary>
    public int? RunnerProcessId => ProcessIdOf("runner");

    /// <summary>
    /// The process id of one of this app's services, found by its executable and this run's runner instance in
    /// its environment (DCP starts them, so they are not the AppHost's children).
    /// </summary>
    public int? ProcessIdOf(string resource)
    {
        var marker = resource switch
        {
            "runner" => "/publish/Mlops.Runner",
            "gateway" => "/Mlops.Gateway",
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
                    return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0').Any(a => a.EndsWith(marker, StringComparison.Ordinal) || a == marker)
                           && File.ReadAllText($"/proc/{pid}/environ").Contains($"Runner__InstanceName={Instance}\0", StringComparison.Ordinal);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return false;
                }
            });
    }

    /// <summary>The AppHost's own process id.</summary>
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
    /// <param name="environment">More of the AppHost's environment (settings, as a user would export them).</param>
    /// <param name="ignoreSigint">Started as a script's background job is: with SIGINT ignored.</param>
    public static async Task<AppHostProcess> StartAsync(string repositoryRoot, string configuration, TimeSpan timeout, string? functionsPath = null,
        IReadOnlyList<string>? arguments = null, IReadOnlyList<string>? endpoints = null, IReadOnlyDictionary<string, string>? environment = null,
        bool ignoreSigint = false)
    {
        string[] allEndpoints = ["runner:grpc", "gateway:http", "gateway:grpc", "nginx:http", "nginx:grpc", "dashboard:http", "dashboard:otlp-grpc", "dashboard:otlp", .. endpoints ?? []];
        var ports = allEndpoints.Zip(FreePorts(allEndpoints.Length)).ToDictionary(pair => pair.First, pair => pair.Second);
        var root = Directory.CreateTempSubdirectory("mlops-e2e-").FullName;
        var instance = $"e2e-{Guid.NewGuid():N}"[..16];
        // Started from the repository's root, as the README's command starts it.
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = repositoryRoot };
        if (ignoreSigint)
        {
            // The shell ignores SIGINT and execs: the AppHost is that same process, with SIGINT still ignored.
            info.FileName = "bash";
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("trap '' INT; exec dotnet \"$@\"");
            info.ArgumentList.Add("bash");
        }

        info.ArgumentList.Add(Path.Combine(repositoryRoot, "Mlops.AppHost", "bin", configuration, "net10.0", "Mlops.AppHost.dll"));
        foreach (var (name, port) in ports)
        {
            info.ArgumentList.Add($"--Ports:{name}={port}");
        }

        foreach (var argument in arguments ?? [])
        {
            info.ArgumentList.Add(argument);
        }

        // Settings in the environment, as a user may give them: the AppHost hands them to the services they are for.
        // This run's state stays out of the repository's data/.
        info.Environment["Runner__DataPath"] = Path.Combine(root, "data");
        info.Environment["Auth__DataPath"] = Path.Combine(root, "data");
        info.Environment["Runner__LogsPath"] = Path.Combine(root, "logs");
        info.Environment["Runner__InstanceName"] = instance;
        if (functionsPath is not null)
        {
            info.Environment["Runner__FunctionsPath"] = functionsPath;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");

        var token = Guid.NewGuid().ToString("N");
        info.Environment["Dashboard__Token"] = token;
        var started = Stopwatch.GetTimestamp();
        var host = new AppHostProcess(Process.Start(info)!, started, ports, root, instance, token);
        // The AppHost says so once the front door is healthy, which waits for everything behind it.
        for (var deadline = DateTime.UtcNow + timeout; DateTime.UtcNow < deadline && !host.HasExited; await Task.Delay(250))
        {
            if (host.Output.Contains(ReadyLine, StringComparison.Ordinal))
            {
                return host;
            }
        }

        await host.DisposeAsync();
        throw new InvalidOperationException($"the AppHost did not bring everything up:\n{host.Output}");
    }

    /// <summary>What the AppHost prints once everything is healthy.</summary>
    public const string ReadyLine = "Everything is up:";

    /// <summary>What Ctrl+C sends.</summary>
    public Task InterruptAsync(TimeSpan timeout) => SignalAsync("INT", timeout);

    /// <summary>What `kill` and service managers send.</summary>
    public Task TerminateAsync(TimeSpan timeout) => SignalAsync("TERM", timeout);

    /// <summary>What the kernel's OOM killer (or `kill -9`) does: no chance to stop anything.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Sends the signal and waits until the AppHost has exited (OperationCanceledException when it has not in time).</summary>
    private async Task SignalAsync(string signal, TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }

        using var grace = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException ex)
        {
            // What the AppHost said last tells which service held its stop up.
            var output = Output;
            throw new OperationCanceledException(
                $"the AppHost did not exit within {timeout.TotalSeconds:0} s of SIG{signal}; its output ends:\n{output[Math.Max(0, output.Length - 6000)..]}", ex, grace.Token);
        }
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
                await TerminateAsync(TimeSpan.FromSeconds(60));
            }
            catch (OperationCanceledException)
            {
                // End it anyway, and what it started, rather than leave them running.
                Console.Error.WriteLine($"the AppHost ({_process.Id}) did not stop within 60 s of SIGTERM: killing it and its children");
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        Directory.Delete(Root, recursive: true);
        // A killed AppHost leaves NGINX's run folder for its next start, which a test's data folder never has.
        var nginxRun = NginxRunDirectory(Path.Combine(Root, "data"));
        if (Directory.Exists(nginxRun))
        {
            Directory.Delete(nginxRun, recursive: true);
        }
    }

    /// <summary>Where the AppHost keeps NGINX's run folder for a data folder (as NginxResource.RunDirectoryFor).</summary>
    private static string NginxRunDirectory(string dataPath) =>
        Path.Combine(Path.GetTempPath(), "mlops-nginx-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataPath)))[..12]);

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

    /// <summary>From the start of the process to the line that says everything is healthy.</summary>
    public TimeSpan StartedIn => _startedIn ?? throw new InvalidOperationException("the AppHost has not said it is up");

    private void Keep(string? line)
    {
        if (line is not null)
        {
            if (line.Contains(ReadyLine, StringComparison.Ordinal))
            {
                _startedIn ??= Stopwatch.GetElapsedTime(_started);
            }

            lock (_output)
            {
                _output.Add(line);
            }
        }
    }
}
