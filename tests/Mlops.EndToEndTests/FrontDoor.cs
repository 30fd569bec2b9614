extern alias apphost;

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using apphost::Mlops.AppHost.Hosting;
using Aspire.Hosting.ApplicationModel;

using Mlops.Testing;

namespace Mlops.EndToEndTests;

/// <summary>
/// A real NGINX (Debian's binary) with the config the AppHost renders from nginx/mlops.conf.template, run as the
/// AppHost runs it, in front of a test gateway and runner, on free loopback ports.
/// </summary>
public sealed class FrontDoor : IAsyncDisposable
{
    private readonly NginxResource _nginx;
    private readonly Process _process;

    private FrontDoor(NginxResource nginx, Process process, int httpPort, int grpcPort)
    {
        _nginx = nginx;
        _process = process;
        Url = $"http://127.0.0.1:{httpPort}";
        GrpcUrl = $"http://127.0.0.1:{grpcPort}";
    }

    public string Url { get; }

    public string GrpcUrl { get; }

    /// <param name="mlflowUri">Rendered as /mlflow/ when set, as the AppHost does with --Tracking:MlflowUri.</param>
    /// <param name="gatewayGrpcAddress">The gateway's cleartext HTTP/2 port, for what NGINX's gRPC port passes to it.</param>
    /// <param name="connectionsPerClient">NGINX's limit_conn per client address, as Nginx:ConnectionsPerClient sets it.</param>
    public static async Task<FrontDoor> StartAsync(string gatewayAddress, string runnerAddress, string? mlflowUri = null, string? gatewayGrpcAddress = null, int? connectionsPerClient = null)
    {
        var gateway = Service("gateway", ("http", new Uri(gatewayAddress).Port), ("grpc", new Uri(gatewayGrpcAddress ?? gatewayAddress).Port));
        var runner = Service("runner", ("grpc", new Uri(runnerAddress).Port));
        var (httpPort, grpcPort) = AppHostProcess.FreePorts(2) is [var h, var g] ? (h, g) : throw new InvalidOperationException();
        var nginx = new NginxResource("nginx", Directory.CreateTempSubdirectory("mlops-nginx-test-").FullName, RepositoryPaths.Root)
        {
            Gateway = gateway,
            Runner = runner,
            MlflowUri = mlflowUri,
        };
        if (connectionsPerClient is { } limit)
        {
            nginx.ConnectionsPerClient = limit;
        }

        nginx.Annotations.Add(Endpoint(NginxResource.HttpPortName, httpPort));
        nginx.Annotations.Add(Endpoint(NginxResource.GrpcPortName, grpcPort));
        nginx.Render();

        var info = new ProcessStartInfo(nginx.Command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in nginx.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var door = new FrontDoor(nginx, process, httpPort, grpcPort);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline && !process.HasExited; await Task.Delay(100))
        {
            try
            {
                using var response = await http.GetAsync(door.Url + "/");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return door;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
        }

        await door.DisposeAsync();
        throw new InvalidOperationException("nginx did not start");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
            await kill.WaitForExitAsync();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(grace.Token);
        }

        _process.Dispose();
        Directory.Delete(_nginx.RunDirectory, recursive: true);
    }

    /// <summary>A service NGINX proxies to, as the AppHost's model has it: a name and its endpoints' ports.</summary>
    private static ExecutableResource Service(string name, params (string Name, int Port)[] endpoints)
    {
        var service = new ExecutableResource(name, name, ".");
        foreach (var (endpoint, port) in endpoints)
        {
            service.Annotations.Add(Endpoint(endpoint, port));
        }

        return service;
    }

    private static EndpointAnnotation Endpoint(string name, int port) =>
        new(ProtocolType.Tcp, uriScheme: "http", name: name, port: port, isProxied: false);
}
