extern alias apphost;

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using apphost::Mlops.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

using Mlops.Testing;

namespace Mlops.EndToEndTests;

/// <summary>
/// A real NGINX (Debian's binary) with the config the AppHost renders from nginx/mlops.conf.template,
/// in front of a test gateway and runner, on free loopback ports.
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
    public static async Task<FrontDoor> StartAsync(string gatewayAddress, string runnerAddress, string? mlflowUri = null, string? gatewayGrpcAddress = null)
    {
        var configuration = new ConfigurationBuilder().Build();
        var gateway = new ProjectResource("gateway", "Mlops.Gateway", configuration).WithEndpoint("http", new Uri(gatewayAddress).Port);
        if (gatewayGrpcAddress is not null)
        {
            gateway.WithEndpoint("grpc", new Uri(gatewayGrpcAddress).Port, http2: true);
        }

        var runner = new ProjectResource("runner", "Mlops.Runner", configuration).WithEndpoint("grpc", new Uri(runnerAddress).Port, http2: true);
        var (httpPort, grpcPort) = AppHostProcess.FreePorts(2) is [var h, var g] ? (h, g) : throw new InvalidOperationException();
        var nginx = new NginxResource("nginx", configuration);
        nginx.WithEndpoint(NginxResource.HttpEndpoint, httpPort).WithEndpoint(NginxResource.GrpcEndpoint, grpcPort, http2: true);
        nginx.WithProxyTo(gateway, runner).WithMlflow(mlflowUri);

        var info = nginx.Prepare(new Dictionary<string, string>());
        info.RedirectStandardError = true;
        info.RedirectStandardOutput = true;
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
            // SIGTERM to the master: it stops its workers. A SIGKILL would leave them holding the ports.
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
            await kill.WaitForExitAsync();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(grace.Token);
        }

        _process.Dispose();
        _nginx.Cleanup();
    }

}
