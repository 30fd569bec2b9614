using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mlops.Functions.Serving;

/// <summary>
/// The serving mode, a warm replica: answers HTTP/1.1 on a unix socket in the mounted run folder (the
/// container keeps no network): GET /health (200: the model is loaded) and POST /predict {"instances": [...]}
/// -> {"predictions": [...], "model_name": ..., "model_version": ...}. Bad input is a 400 that says what is wrong.
/// </summary>
public static class ReplicaServer
{
    private static readonly JsonDocumentOptions BodyOptions = new() { MaxDepth = 16 };

    /// <summary>Serves <paramref name="predictor"/> (already loaded) until the process is asked to stop or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task RunAsync(IPredictor predictor, ServingOptions options, CancellationToken cancellationToken)
    {
        if (options.Port is null)
        {
            File.Delete(options.Socket);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (options.Port is { } port)
            {
                kestrel.ListenAnyIP(port);
            }
            else
            {
                kestrel.ListenUnixSocket(options.Socket);
            }

            kestrel.Limits.MaxRequestBodySize = ServingOptions.MaxBodyBytes;
        });
        await using var app = builder.Build();
        app.MapGet("/health", () => Results.Ok(new { status = "ready" }));
        app.MapPost("/predict", (HttpRequest request, CancellationToken token) => PredictAsync(predictor, options, request, token));
        await app.StartAsync(cancellationToken);
        Console.WriteLine($"serving {predictor.Features.Names.Count} features on {(options.Port is { } listening ? $"port {listening}" : options.Socket)}");
        await app.WaitForShutdownAsync(cancellationToken);
    }

    private static async Task<IResult> PredictAsync(IPredictor predictor, ServingOptions options, HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(request.ContentLength is > 0 and < 1024 * 1024 ? (int)request.ContentLength : 256);
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var json = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        List<float[]> rows;
        try
        {
            rows = FastInstances.TryRead(json.Span, predictor.Features.Names.Count) ?? Rows(json, predictor.Features);
        }
        catch (JsonException ex)
        {
            return Results.BadRequest(new { error = $"the body is not valid JSON: {ex.Message}" });
        }
        catch (FunctionError ex)
        {
            return Results.BadRequest(new { error = ex.Message });
        }

        // Which model answered travels with every answer: the gateway passes this body on as it is.
        var answer = new ArrayBufferWriter<byte>(256 * rows.Count + 64);
        using (var writer = new Utf8JsonWriter(answer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("predictions"u8);
            predictor.Predict(rows, writer);
            writer.WriteString("model_name"u8, options.ModelName);
            writer.WriteString("model_version"u8, options.ModelVersion);
            writer.WriteEndObject();
        }

        return Results.Bytes(answer.WrittenMemory, "application/json");
    }

    /// <summary>Every accepted shape, with a precise message for anything wrong.</summary>
    private static List<float[]> Rows(ReadOnlyMemory<byte> json, Features features)
    {
        var body = JsonNode.Parse(json.Span, documentOptions: BodyOptions) as JsonObject
            ?? throw FunctionError.InvalidArgument("the body must be a JSON object: {\"instances\": [...]}");
        if (body["instances"] is null)
        {
            throw FunctionError.InvalidArgument(
                $"instances: give a list of instances, each {features.Names.Count} numbers ({string.Join(", ", features.Names)}), e.g. {{\"instances\": [[...], ...]}}");
        }

        return Instances.ReadBatch(body["instances"], features);
    }
}
