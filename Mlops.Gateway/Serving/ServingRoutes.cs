using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.ServiceDefaults.Security;

namespace Mlops.Gateway.Serving;

/// <summary>
/// Predictions over REST, in each protocol users already speak: the source documents' (and Vertex AI's)
/// {"instances"}, MLflow's /invocations, and the Open Inference Protocol (KServe V2). Errors are JSON in
/// each protocol's own shape, never a page.
/// </summary>
public static class ServingRoutes
{
    private static readonly JsonDocumentOptions BodyOptions = new() { MaxDepth = 32 };

    public static IEndpointRouteBuilder MapServing(this IEndpointRouteBuilder app)
    {
        var predictions = app.MapGroup("").RequireAuthorization(Permissions.Predict);

        // The replica contract's own shape: the body goes to the replica as it is, and its answer comes back.
        predictions.MapPost("/endpoints/{name}/predict", async (string name, HttpRequest request, HttpResponse response, PredictionRouter router, CancellationToken token) =>
        {
            try
            {
                var prediction = await router.ForwardAsync(name, await ReadBytesAsync(request, token), "instances", token);
                response.Headers["X-Model-Version"] = prediction.ModelVersion;
                return Results.Bytes(prediction.Body, "application/json");
            }
            catch (ServingException ex)
            {
                return Results.Json(new { error = ex.Message }, statusCode: ex.HttpStatus);
            }
        });

        predictions.MapPost("/endpoints/{name}/invocations", async (string name, HttpRequest request, PredictionRouter router, CancellationToken token) =>
        {
            try
            {
                var instances = MlflowScoring.Instances(await ReadObjectAsync(request, token));
                var prediction = await router.PredictAsync(name, instances, "mlflow", token);
                return Answer(new JsonObject { ["predictions"] = prediction.Predictions.DeepClone() }, prediction);
            }
            catch (ServingException ex)
            {
                // MLflow's scoring server answers errors as {"error_code", "message"}.
                var code = ex.HttpStatus switch { 400 => "BAD_REQUEST", 404 => "RESOURCE_DOES_NOT_EXIST", 429 => "RESOURCE_EXHAUSTED", _ => "INTERNAL_ERROR" };
                return Results.Json(new { error_code = code, message = ex.Message }, statusCode: ex.HttpStatus);
            }
        });

        // KServe's server probes are probes: no key, like /health.
        app.MapGet("/v2/health/live", () => Results.Json(new { live = true })).AllowAnonymous();
        app.MapGet("/v2/health/ready", (ReplicaDirectory directory) =>
            directory.Connected ? Results.Json(new { ready = true }) : Results.Json(new { ready = false }, statusCode: StatusCodes.Status503ServiceUnavailable)).AllowAnonymous();
        var v2 = predictions.MapGroup("/v2");
        v2.MapGet("/models/{name}", (string name, ReplicaDirectory directory) => directory.Find(name) is { } route
            ? Results.Json(Metadata(route))
            : Results.Json(new { error = $"there is no endpoint '{name}'" }, statusCode: StatusCodes.Status404NotFound));
        v2.MapGet("/models/{name}/ready", (string name, ReplicaDirectory directory) => directory.Find(name) switch
        {
            null => Results.Json(new { error = $"there is no endpoint '{name}'" }, statusCode: StatusCodes.Status404NotFound),
            { Replicas.Count: > 0 } => Results.Json(new { name, ready = true }),
            _ => Results.Json(new { name, ready = false }, statusCode: StatusCodes.Status503ServiceUnavailable),
        });
        v2.MapPost("/models/{name}/infer", async (string name, HttpRequest request, PredictionRouter router, CancellationToken token) =>
        {
            try
            {
                var body = await ReadObjectAsync(request, token);
                var prediction = await router.PredictAsync(name, V2Tensors.FromRest(body), "v2", token);
                return Answer(V2Tensors.ToRest(name, prediction, body["id"]?.GetValue<string>()), prediction);
            }
            catch (ServingException ex)
            {
                return Results.Json(new { error = ex.Message }, statusCode: ex.HttpStatus);
            }
        });
        return app;
    }

    internal static JsonObject Metadata(EndpointRoute route) => new()
    {
        ["name"] = route.Name,
        ["versions"] = new JsonArray(route.Replicas.Select(r => r.ModelVersion).Distinct().Select(v => (JsonNode)v).ToArray()),
        ["platform"] = "mlops",
        ["inputs"] = new JsonArray { new JsonObject { ["name"] = "input-0", ["datatype"] = "FP32", ["shape"] = new JsonArray(-1, -1) } },
        ["outputs"] = new JsonArray
        {
            new JsonObject { ["name"] = "class", ["datatype"] = "BYTES", ["shape"] = new JsonArray(-1) },
            new JsonObject { ["name"] = "probabilities", ["datatype"] = "FP64", ["shape"] = new JsonArray(-1, -1) },
        },
    };

    /// <summary>Which model version answered travels as a header too, whatever the protocol's body says.</summary>
    private static IResult Answer(JsonObject body, Prediction prediction) => new VersionedJson(body, prediction.ModelVersion);

    private static async Task<byte[]> ReadBytesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (BadHttpRequestException ex)
        {
            throw new ServingException(ex.StatusCode, Grpc.Core.StatusCode.InvalidArgument,
                ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? "the body is too large" : "the body could not be read");
        }
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body, documentOptions: BodyOptions, cancellationToken: cancellationToken) as JsonObject
                ?? throw ServingException.BadInput("the body must be a JSON object");
        }
        catch (JsonException ex)
        {
            throw ServingException.BadInput($"the body is not valid JSON: {ex.Message}");
        }
        catch (BadHttpRequestException ex)
        {
            throw new ServingException(ex.StatusCode, Grpc.Core.StatusCode.InvalidArgument,
                ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? "the body is too large" : "the body could not be read");
        }
    }

    private sealed class VersionedJson(JsonObject body, string version) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers["X-Model-Version"] = version;
            return Results.Json(body).ExecuteAsync(httpContext);
        }
    }
}
