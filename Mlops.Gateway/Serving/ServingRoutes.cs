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
    // A name given twice is ambiguous: refused, not resolved by whichever comes last.
    private static readonly JsonDocumentOptions BodyOptions = new() { MaxDepth = 32, AllowDuplicateProperties = false };

    public static IEndpointRouteBuilder MapServing(this IEndpointRouteBuilder app)
    {
        var predictions = app.MapGroup("").RequireAuthorization(Permissions.Predict);

        // The replica contract's own shape: the body goes to the replica as it is, and its answer comes back.
        predictions.MapPost("/endpoints/{name}/predict", async (string name, HttpRequest request, HttpResponse response, PredictionRouter router, CancellationToken token) =>
        {
            try
            {
                var body = InstancesRequest.Checked(await ReadBytesAsync(request, token));
                var prediction = await router.ForwardAsync(name, CallerKey.Of(request.HttpContext.User), body, "instances", token);
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
                var prediction = await router.PredictAsync(name, CallerKey.Of(request.HttpContext.User), PredictionRouter.InstancesBody(instances), "mlflow", token);
                return Answer(new JsonObject { ["predictions"] = prediction.Predictions }, prediction);
            }
            catch (ServingException ex)
            {
                // MLflow's scoring server answers errors as {"error_code", "message"}.
                var code = ex.HttpStatus switch
                {
                    404 => "RESOURCE_DOES_NOT_EXIST", 429 => "RESOURCE_EXHAUSTED", < 500 => "BAD_REQUEST",
                    503 => "TEMPORARILY_UNAVAILABLE", 504 => "DEADLINE_EXCEEDED", _ => "INTERNAL_ERROR",
                };
                return Results.Json(new { error_code = code, message = ex.Message }, statusCode: ex.HttpStatus);
            }
        });

        // KServe's server probes are probes: no key, like /health.
        app.MapGet("/v2/health/live", () => Results.Json(new { live = true })).AllowAnonymous();
        app.MapGet("/v2/health/ready", (ReplicaDirectory directory) =>
            directory.Connected ? Results.Json(new { ready = true }) : Results.Json(new { ready = false }, statusCode: StatusCodes.Status503ServiceUnavailable)).AllowAnonymous();
        var v2 = predictions.MapGroup("/v2");
        v2.MapGet("/models/{name}", (string name, PredictionRouter router) => WithTable(router, name, table => Results.Json(Metadata(table))));
        v2.MapGet("/models/{name}/ready", (string name, PredictionRouter router) => WithTable(router, name, table => table.Replicas.Count > 0
            ? Results.Json(new { name, ready = true })
            : Results.Json(new { name, ready = false }, statusCode: StatusCodes.Status503ServiceUnavailable)));
        v2.MapPost("/models/{name}/infer", async (string name, HttpRequest request, PredictionRouter router, CancellationToken token) =>
        {
            try
            {
                var body = await ReadObjectAsync(request, token);
                var instances = V2Request.Instances(body);
                var prediction = await router.PredictAsync(name, CallerKey.Of(request.HttpContext.User), instances, "v2", token);
                return Answer(V2Tensors.ToRest(name, prediction, V2Request.Id(body)), prediction);
            }
            catch (ServingException ex)
            {
                return Results.Json(new { error = ex.Message }, statusCode: ex.HttpStatus);
            }
        });
        return app;
    }

    private static IResult WithTable(PredictionRouter router, string name, Func<ReplicaTable, IResult> answer)
    {
        try
        {
            return answer(router.Table(name));
        }
        catch (ServingException ex)
        {
            return Results.Json(new { error = ex.Message }, statusCode: ex.HttpStatus);
        }
    }

    private static JsonObject Metadata(ReplicaTable table) => new()
    {
        ["name"] = table.Name,
        ["versions"] = new JsonArray(V2Tensors.Versions(table).Select(v => (JsonNode)v).ToArray()),
        ["platform"] = "mlops",
        ["inputs"] = Tensors(V2Tensors.Inputs),
        ["outputs"] = Tensors(V2Tensors.Outputs),
    };

    private static JsonArray Tensors(IEnumerable<V2Tensors.TensorSpec> tensors) => new(tensors.Select(t => (JsonNode)new JsonObject
    {
        ["name"] = t.Name,
        ["datatype"] = t.Datatype,
        ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)d).ToArray()),
    }).ToArray());

    /// <summary>Which model version answered travels as a header too, whatever the protocol's body says.</summary>
    private static IResult Answer(JsonObject body, Prediction prediction) => new VersionedJson(body, prediction.ModelVersion);

    /// <summary>Bodies in another format are not read as JSON: MLflow's CSV, KServe's binary tensors, forms with files.</summary>
    private static readonly string[] OtherFormats = ["text/csv", "application/octet-stream", "multipart/form-data"];

    private static void CheckFormat(HttpRequest request)
    {
        if (request.ContentType is { } type && OtherFormats.Any(f => type.StartsWith(f, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ServingException(StatusCodes.Status415UnsupportedMediaType, Grpc.Core.StatusCode.InvalidArgument,
                $"Content-Type: '{Bounded.Text(type, 64)}' is not supported; send the request as application/json");
        }
    }

    private static async Task<byte[]> ReadBytesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        CheckFormat(request);
        try
        {
            return await JsonBody.ReadBytesAsync(request, cancellationToken);
        }
        catch (JsonBody.Refused ex)
        {
            throw new ServingException(ex.HttpStatus, Grpc.Core.StatusCode.InvalidArgument, ex.Message);
        }
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        CheckFormat(request);
        try
        {
            return await JsonBody.ReadAsync(request, BodyOptions, cancellationToken) as JsonObject
                ?? throw ServingException.BadInput("the request body must be a JSON object");
        }
        catch (JsonBody.Refused ex)
        {
            throw new ServingException(ex.HttpStatus, Grpc.Core.StatusCode.InvalidArgument, ex.Message);
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
