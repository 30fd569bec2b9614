extern alias gateway;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Mlops.Testing;

/// <summary>A real gateway on a real Kestrel socket, forwarding to the runner at <paramref name="runnerAddress"/>.</summary>
public sealed class GatewayHost(WebApplicationFactory<gateway::Program> factory, string address) : IAsyncDisposable
{
    public string Address { get; } = address;

    public HttpClient Http { get; } = new() { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(3) };

    public static GatewayHost Start(string runnerAddress)
    {
        var factory = new WebApplicationFactory<gateway::Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Kestrel:Endpoints:http:Url", "http://127.0.0.1:0");
            builder.UseSetting("services:runner:grpc:0", runnerAddress);
        });
        factory.UseKestrel();
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new GatewayHost(factory, address);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await factory.DisposeAsync();
    }
}
