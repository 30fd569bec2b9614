extern alias gateway;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Mlops.Testing;

/// <summary>A real gateway on a real Kestrel socket, forwarding to the runner at <paramref name="runnerAddress"/>.</summary>
public sealed class GatewayHost(WebApplicationFactory<gateway::Program> factory, string address, string grpcAddress) : IAsyncDisposable
{
    public string Address { get; } = address;

    /// <summary>The gateway's cleartext HTTP/2 port: KServe V2 gRPC and mlops.v1.Endpoints.</summary>
    public string GrpcAddress { get; } = grpcAddress;

    public HttpClient Http { get; } = new() { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(3) };

    public static GatewayHost Start(string runnerAddress)
    {
        var (http, grpc) = ($"http://127.0.0.1:{AppHostProcess.FreePort()}", $"http://127.0.0.1:{AppHostProcess.FreePort()}");
        var factory = new WebApplicationFactory<gateway::Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Kestrel:Endpoints:http:Url", http);
            builder.UseSetting("Kestrel:Endpoints:grpc:Url", grpc);
            builder.UseSetting("services:runner:grpc:0", runnerAddress);
        });
        factory.UseKestrel();
        factory.StartServer();
        return new GatewayHost(factory, http, grpc);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await factory.DisposeAsync();
    }
}
