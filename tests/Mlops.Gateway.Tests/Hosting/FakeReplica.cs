using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;

namespace Mlops.Gateway.Tests.Hosting;

/// <summary>
/// A serving replica on its real transport, HTTP/1.1 on a unix socket in a run folder: it answers every instance
/// with an iris-like prediction and keeps the last body it was sent.
/// </summary>
public sealed class FakeReplica : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeReplica(WebApplication app, string socketPath) => (_app, SocketPath) = (app, socketPath);

    public string SocketPath { get; }

    public string Address => "unix:" + SocketPath;

    /// <summary>The last request body, as the replica contract received it.</summary>
    public string? LastBody { get; private set; }

    public static async Task<FakeReplica> StartAsync(string folder, CancellationToken cancellationToken)
    {
        var socketPath = Path.Combine(folder, "replica.sock");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socketPath, listen => listen.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var replica = new FakeReplica(app, socketPath);
        app.MapGet("/health", () => Results.Ok());
        app.MapPost("/predict", async (HttpRequest request, CancellationToken token) =>
        {
            using var reader = new StreamReader(request.Body);
            replica.LastBody = await reader.ReadToEndAsync(token);
            var instances = JsonNode.Parse(replica.LastBody)!["instances"]!.AsArray();
            var predictions = new JsonArray(instances.Select(_ => (JsonNode)new JsonObject
            {
                ["class"] = "setosa",
                ["probabilities"] = new JsonObject { ["setosa"] = 0.75, ["versicolor"] = 0.25 },
            }).ToArray());
            return Results.Json(new JsonObject { ["predictions"] = predictions });
        });
        await app.StartAsync(cancellationToken);
        return replica;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
