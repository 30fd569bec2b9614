using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Predict;

/// <summary>
/// The serving mode, a warm replica: loads the model once, then answers HTTP/1.1 on a unix socket in the
/// mounted run folder (the container keeps no network): GET /health (200: the model is loaded) and
/// POST /predict {"instances": [...]} -> {"predictions": [...]}. Bad input is a 400 that says what is wrong.
/// </summary>
internal static class ReplicaServer
{
    private static readonly JsonDocumentOptions BodyOptions = new() { MaxDepth = 16 };

    public static async Task<int> RunAsync(FunctionIo io)
    {
        var socket = Environment.GetEnvironmentVariable("MLOPS_SOCKET") ?? "/mlops/run/replica.sock";
        var modelName = Environment.GetEnvironmentVariable("MLOPS_MODEL_NAME") ?? "";
        var modelVersion = Environment.GetEnvironmentVariable("MLOPS_MODEL_VERSION") ?? "";
        // Loaded before the socket exists: a replica that answers at all has its model.
        if (IrisModel.Load(io.ModelInput) is not { } model)
        {
            Console.Error.WriteLine("no model at " + io.ModelInput);
            return 1;
        }

        File.Delete(socket);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenUnixSocket(socket);
            kestrel.Limits.MaxRequestBodySize = 8 * 1024 * 1024;
        });
        var app = builder.Build();
        app.MapGet("/health", () => Results.Ok(new { status = "ready" }));
        app.MapPost("/predict", (HttpRequest request, CancellationToken token) => PredictAsync(model, modelName, modelVersion, request, token));
        await app.StartAsync();
        Console.WriteLine($"serving {model.Classes.Length} classes on {socket}");
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static async Task<IResult> PredictAsync(IrisModel model, string modelName, string modelVersion, HttpRequest request, CancellationToken cancellationToken)
    {
        JsonObject body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body, documentOptions: BodyOptions, cancellationToken: cancellationToken) as JsonObject
                ?? throw new InvalidInputException("the body must be a JSON object: {\"instances\": [...]}");
        }
        catch (JsonException ex)
        {
            return Results.BadRequest(new { error = $"the body is not valid JSON: {ex.Message}" });
        }
        catch (InvalidInputException ex)
        {
            return Results.BadRequest(new { error = ex.Message });
        }

        try
        {
            if (body["instances"] is null)
            {
                throw new InvalidInputException("instances: give a list of instances, e.g. {\"instances\": [[5.1, 3.5, 1.4, 0.2]]}");
            }

            var (rows, _) = FlowerInput.Parse(new JsonObject { ["instances"] = body["instances"]!.DeepClone() }, model.FeatureNames);
            // Which model answered travels with every answer: the gateway passes this body on as it is.
            return Results.Json(new JsonObject { ["predictions"] = model.Predict(rows), ["model_name"] = modelName, ["model_version"] = modelVersion });
        }
        catch (InvalidInputException ex)
        {
            return Results.BadRequest(new { error = ex.Message });
        }
    }
}
