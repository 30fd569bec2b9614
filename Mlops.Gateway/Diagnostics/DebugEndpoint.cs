using System.Text.Json.Nodes;
using Grpc.Core;
using Mlops.V1;

namespace Mlops.Gateway.Diagnostics;

/// <summary>GET /debug: is the runner there, which engine and registry it uses, how busy it is, which images are built.</summary>
public static class DebugEndpoint
{
    public static IEndpointRouteBuilder MapDebug(this IEndpointRouteBuilder app)
    {
        app.MapGet("/debug", HandleAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(Runner.RunnerClient runner, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var address = GatewayServiceExtensions.RunnerAddress(configuration);
        RunnerStatus status;
        try
        {
            status = await runner.GetStatusAsync(new GetStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
        }
        catch (RpcException ex)
        {
            return Results.Json(new JsonObject
            {
                ["gateway"] = "ok",
                ["runner"] = new JsonObject { ["address"] = address, ["reachable"] = false, ["error"] = $"{ex.StatusCode}: {ex.Status.Detail}" },
            }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return Results.Json(new JsonObject
        {
            ["gateway"] = "ok",
            ["runner"] = new JsonObject { ["address"] = address, ["reachable"] = true },
            ["docker"] = new JsonObject { ["version"] = status.DockerVersion, ["api_version"] = status.DockerApiVersion },
            ["registry"] = new JsonObject { ["backend"] = status.RegistryBackend },
            ["invocations"] = new JsonObject
            {
                ["running"] = status.RunningInvocations,
                ["queued"] = status.QueuedInvocations,
                ["max_concurrent"] = status.MaxConcurrentInvocations,
                ["max_queue"] = status.MaxQueueLength,
            },
            ["functions"] = new JsonArray(status.Functions.Select(f => (JsonNode)new JsonObject
            {
                ["name"] = f.Name,
                ["image"] = f.Image,
                ["image_built"] = f.ImageBuilt,
                ["manifest_error"] = f.ManifestError.Length == 0 ? null : f.ManifestError,
            }).ToArray()),
        });
    }
}
