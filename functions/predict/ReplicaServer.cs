using System.Buffers;
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
        IrisModel? model;
        try
        {
            model = IrisModel.Load(io.ModelInput);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or IOException or JsonException or NullReferenceException)
        {
            Console.Error.WriteLine($"cannot load the model in {io.ModelInput}: {ex.Message}");
            return 1;
        }

        if (model is null)
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
        using var buffer = new MemoryStream(request.ContentLength is > 0 and < 1024 * 1024 ? (int)request.ContentLength : 256);
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var json = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        List<float[]> rows;
        try
        {
            rows = FastInstances.TryRead(json.Span, model.FeatureNames.Length) ?? Rows(json, model);
        }
        catch (JsonException ex)
        {
            return Results.BadRequest(new { error = $"the body is not valid JSON: {ex.Message}" });
        }
        catch (InvalidInputException ex)
        {
            return Results.BadRequest(new { error = ex.Message });
        }

        // Which model answered travels with every answer: the gateway passes this body on as it is.
        var answer = new ArrayBufferWriter<byte>(256 * rows.Count + 64);
        using (var writer = new Utf8JsonWriter(answer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("predictions"u8);
            model.Predict(rows, writer);
            writer.WriteString("model_name"u8, modelName);
            writer.WriteString("model_version"u8, modelVersion);
            writer.WriteEndObject();
        }

        return Results.Bytes(answer.WrittenMemory, "application/json");
    }

    /// <summary>Every accepted shape, with a precise message for anything wrong.</summary>
    private static List<float[]> Rows(ReadOnlyMemory<byte> json, IrisModel model)
    {
        var body = JsonNode.Parse(json.Span, documentOptions: BodyOptions) as JsonObject
            ?? throw new InvalidInputException("the body must be a JSON object: {\"instances\": [...]}");
        if (body["instances"] is null)
        {
            throw new InvalidInputException("instances: give a list of instances, e.g. {\"instances\": [[5.1, 3.5, 1.4, 0.2]]}");
        }

        return FlowerInput.Parse(new JsonObject { ["instances"] = body["instances"]!.DeepClone() }, model.FeatureNames).Rows;
    }
}
