using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mlops.Gateway.Tests.Hosting;

/// <summary>The runner as a gRPC peer (h2c on a loopback port the system picks), answering from a <see cref="RunnerScript"/>.</summary>
public sealed class FakeRunner : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeRunner(WebApplication app, string address) => (_app, Address) = (app, address);

    public string Address { get; }

    public static async Task<FakeRunner> StartAsync(RunnerScript script, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(script);
        var app = builder.Build();
        app.MapGrpcService<FakeRunnerService>();
        app.MapGrpcService<FakeRegistryService>();
        app.MapGrpcService<FakeKeysService>();
        app.MapGrpcService<FakeEndpointsService>();
        app.MapGrpcService<FakePipelinesService>();
        await app.StartAsync(cancellationToken);
        var address = app.Urls.Single();
        return new FakeRunner(app, address);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
