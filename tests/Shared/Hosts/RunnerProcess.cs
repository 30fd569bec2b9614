using System.Diagnostics;
using System.Net;
using Grpc.Net.Client;

namespace Mlops.Testing;

/// <summary>
/// The runner as its own process (`dotnet Mlops.Runner.dll`), for what only a process can show: a kill -9 in
/// the middle of work, a restart on the same data, its memory. Its own root folder (functions, data, logs) and
/// instance name; the folder outlives <see cref="KillAsync"/> and <see cref="StopAsync"/>, for the next start.
/// </summary>
public sealed class RunnerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly List<string> _output = [];

    private RunnerProcess(Process process, string root, string instance, string address)
    {
        _process = process;
        Root = root;
        Instance = instance;
        Address = address;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Root { get; }

    public string Instance { get; }

    /// <summary>Its gRPC address (h2c).</summary>
    public string Address { get; }

    public string DataDirectory => Path.Combine(Root, "data");

    public string LogsDirectory => Path.Combine(Root, "logs");

    /// <summary>Its TMPDIR.</summary>
    public string TempDirectory => Path.Combine(Root, "tmp");

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string AdminKey => BearerHandler.AdminKeyIn(DataDirectory);

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

    /// <summary>Resident memory now, from /proc.</summary>
    public long ResidentBytes =>
        File.ReadLines($"/proc/{_process.Id}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024).Single();

    /// <summary>A channel that sends the admin key; the caller disposes it.</summary>
    public GrpcChannel Channel() => GrpcChannel.ForAddress(Address, new GrpcChannelOptions { HttpHandler = new BearerHandler(AdminKey) });

    /// <param name="root">A folder from an earlier start, to start again on its data; a new one when null.</param>
    /// <param name="settings">Configuration, as keys with ':' (e.g. Tracking:MlflowUri).</param>
    public static async Task<RunnerProcess> StartAsync(string? root = null, string? instance = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var ownRoot = root is null;
        root ??= Directory.CreateTempSubdirectory("mlops-runner-process-").FullName;
        var functions = Path.Combine(root, "functions");
        if (!Directory.Exists(functions))
        {
            RunnerHost.CopyDirectory(RepositoryPaths.TestFunctions, functions);
        }

        instance ??= $"proc-{Guid.NewGuid():N}"[..17];
        var address = $"http://127.0.0.1:{AppHostProcess.FreePort()}";
        var binaries = Path.Combine(RepositoryPaths.Root, "Mlops.Runner", "bin", RepositoryPaths.Configuration, "net10.0");
        // Started from its project folder, as the AppHost and `dotnet run` start it: its settings are read from there.
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.Combine(RepositoryPaths.Root, "Mlops.Runner"),
        };
        info.ArgumentList.Add(Path.Combine(binaries, "Mlops.Runner.dll"));
        var environment = new Dictionary<string, string>
        {
            ["Kestrel:Endpoints:grpc:Url"] = address,
            ["Runner:FunctionsPath"] = functions,
            ["Runner:DataPath"] = Path.Combine(root, "data"),
            ["Runner:LogsPath"] = Path.Combine(root, "logs"),
            ["Runner:InstanceName"] = instance,
            ["Auth:DataPath"] = Path.Combine(root, "data"),
        };
        // Its own temp folder (build-context tars): what it leaves there is its own to answer for.
        Directory.CreateDirectory(Path.Combine(root, "tmp"));
        info.Environment["TMPDIR"] = Path.Combine(root, "tmp");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        var runner = new RunnerProcess(Process.Start(info)!, root, instance, address);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5), DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        for (var deadline = DateTime.UtcNow + StartTimeout; DateTime.UtcNow < deadline && !runner.HasExited; await Task.Delay(200))
        {
            try
            {
                using var health = await http.GetAsync($"{address}/health");
                if (health.IsSuccessStatusCode)
                {
                    return runner;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or not answering yet.
            }
        }

        await runner.KillAsync();
        if (ownRoot)
        {
            Directory.Delete(root, recursive: true);
        }

        throw new InvalidOperationException($"the runner did not come up at {address}:\n{runner.Output}");
    }

    /// <summary>kill -9: no shutdown of any kind, as a crash or the OOM killer would end it.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM, and waits for its orderly shutdown.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            using var term = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
            await term.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Stops it (if it runs) and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        Directory.Delete(Root, recursive: true);
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
