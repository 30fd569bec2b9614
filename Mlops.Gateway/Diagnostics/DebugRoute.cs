using System.Text.Json.Nodes;
using Grpc.Core;
using Mlops.Gateway.Forwarding;
using Mlops.Gateway.Serving;
using Mlops.ServiceDefaults.Security;
using Mlops.V1;

namespace Mlops.Gateway.Diagnostics;

/// <summary>GET /debug: is the runner there, which engine and registry it uses, how busy it is, which images are built.</summary>
public static class DebugRoute
{
    public static IEndpointRouteBuilder MapDebug(this IEndpointRouteBuilder app)
    {
        app.MapGet("/debug", HandleAsync).RequireAuthorization(Permissions.Read);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, Runner.RunnerClient runner, ReplicaDirectory directory, IConfiguration configuration)
    {
        var address = GatewayServiceExtensions.RunnerAddress(configuration);
        RunnerStatus status;
        try
        {
            status = await runner.GetStatusAsync(new GetStatusRequest(), Relay.Options(context, DateTime.UtcNow.AddSeconds(10)));
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
            ["docker"] = status.DockerError.Length > 0
                ? new JsonObject { ["reachable"] = false, ["error"] = status.DockerError }
                : new JsonObject { ["reachable"] = true, ["version"] = status.DockerVersion, ["api_version"] = status.DockerApiVersion },
            ["registry"] = new JsonObject { ["backend"] = status.RegistryBackend, ["outbox_trainings"] = status.OutboxTrainings },
            ["invocations"] = new JsonObject
            {
                ["running"] = status.RunningInvocations,
                ["queued"] = status.QueuedInvocations,
                ["max_concurrent"] = status.MaxConcurrentInvocations,
                ["max_queue"] = status.MaxQueueLength,
            },
            ["capacity"] = Capacity(status.Capacity),
            ["functions"] = new JsonArray(status.Functions.Select(f => (JsonNode)new JsonObject
            {
                ["name"] = f.Name,
                ["image"] = f.Image,
                ["image_built"] = f.ImageBuilt,
                ["manifest_error"] = f.ManifestError.Length == 0 ? null : f.ManifestError,
            }).ToArray()),
            // The data plane's own view: what each endpoint routes to now, and what is in flight there.
            ["serving"] = new JsonObject
            {
                ["watching"] = directory.Connected,
                ["endpoints"] = new JsonArray(directory.Tables.OrderBy(r => r.Name, StringComparer.Ordinal).Select(table => (JsonNode)new JsonObject
                {
                    ["name"] = table.Name,
                    ["model_name"] = table.ModelName,
                    ["ready"] = table.Ready,
                    ["canary_percent"] = table.CanaryPercent,
                    ["replicas"] = new JsonArray(table.Replicas.Select(r => (JsonNode)new JsonObject
                    {
                        ["id"] = r.Id,
                        ["model_version"] = r.ModelVersion,
                        ["canary"] = r.Canary,
                        ["address"] = r.Address,
                        ["in_flight"] = r.InFlight,
                    }).ToArray()),
                }).ToArray()),
            },
        });
    }

    /// <summary>The machine's budget and the per-key quotas, as GetStatus says them (empty from a runner that has none).</summary>
    private static JsonObject Capacity(CapacityStatus? capacity) => capacity is null ? [] : new JsonObject
    {
        ["containers"] = new JsonObject { ["used"] = capacity.ContainersUsed, ["limit"] = capacity.ContainersLimit },
        ["memory_mb"] = new JsonObject { ["used"] = capacity.MemoryUsedMb, ["limit"] = capacity.MemoryLimitMb },
        ["per_key"] = new JsonObject
        {
            ["invocations"] = capacity.InvocationsPerKey,
            ["endpoints"] = capacity.EndpointsPerKey,
            ["replicas"] = capacity.ReplicasPerKey,
        },
    };
}
