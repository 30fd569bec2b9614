extern alias gateway;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Mlops.Keys;

namespace Mlops.Testing;

/// <summary>A real gateway on a real Kestrel socket, forwarding to the runner at <paramref name="runnerAddress"/>.</summary>
public sealed class GatewayHost(WebApplicationFactory<gateway::Program> factory, string address, string grpcAddress, string? adminKey) : IAsyncDisposable
{
    public string Address { get; } = address;

    /// <summary>The admin key of the data folder the gateway checks keys against, if there is one.</summary>
    public string? AdminKey { get; } = adminKey;

    /// <summary>The gateway's cleartext HTTP/2 port: KServe V2 gRPC and mlops.v1.Endpoints.</summary>
    public string GrpcAddress { get; } = grpcAddress;

    /// <summary>The gateway's own services, for what a test counts inside it (e.g. key look-ups).</summary>
    public IServiceProvider Services => factory.Services;

    /// <summary>Sends <see cref="AdminKey"/>.</summary>
    public HttpClient Http { get; } = BearerHandler.Client(address, adminKey);

    /// <summary>A client that sends <paramref name="key"/> (none when null); the caller disposes it.</summary>
    public HttpClient HttpWith(string? key) => BearerHandler.Client(Address, key);

    public static GatewayHost Start(RunnerHost runner, IReadOnlyDictionary<string, string?>? settings = null) => Start(runner.Address, runner.DataDirectory, settings);

    /// <param name="dataDirectory">Where the runner keeps keys.db and secrets/.</param>
    public static GatewayHost Start(string runnerAddress, string dataDirectory, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var (http, grpc) = AppHostProcess.FreePorts(2) is [var h, var g] ? ($"http://127.0.0.1:{h}", $"http://127.0.0.1:{g}") : throw new InvalidOperationException();
        var factory = new WebApplicationFactory<gateway::Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Kestrel:Endpoints:http:Url", http);
            builder.UseSetting("Kestrel:Endpoints:grpc:Url", grpc);
            builder.UseSetting("services:runner:grpc:0", runnerAddress);
            builder.UseSetting("Auth:DataPath", dataDirectory);
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                builder.UseSetting(key, value);
            }
        });
        factory.UseKestrel();
        factory.StartServer();
        var adminKey = File.Exists(Path.Combine(KeyFiles.SecretsPath(dataDirectory), KeyFiles.AdminKeyFile)) ? BearerHandler.AdminKeyIn(dataDirectory) : null;
        return new GatewayHost(factory, http, grpc, adminKey);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await factory.DisposeAsync();
    }
}
