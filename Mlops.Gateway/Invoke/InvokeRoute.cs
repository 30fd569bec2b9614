using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mlops.Gateway.Forwarding;
using Mlops.ServiceDefaults.Protobuf;
using Mlops.ServiceDefaults.Security;
using Mlops.V1;

namespace Mlops.Gateway.Invoke;

/// <summary>
/// POST /invoke, the one-call API the system's source documents specify and their clients already use:
/// {"function": "...", "parameters": {...}} (or "params") answers {"status":"success","data":{...},
/// "execution_time":s} or {"status":"error","error":"..."} with a status that says whose problem it is.
/// It exists for compatibility; it runs the same Invoke RPC as /v1/functions/{function}:invoke and only
/// reshapes its stream into one answer. Always JSON; execution_time covers the whole call, build included.
/// </summary>
public static class InvokeRoute
{
    private static readonly JsonDocumentOptions BodyOptions = new() { MaxDepth = 32, AllowDuplicateProperties = false };

    public static IEndpointRouteBuilder MapInvoke(this IEndpointRouteBuilder app)
    {
        app.MapPost("/invoke", HandleAsync).RequireAuthorization(Permissions.Invoke).RequireRateLimiting(KeyRateLimits.InvocationsPolicy);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpRequest request, Runner.RunnerClient runner, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        JsonNode? body;
        try
        {
            body = await JsonBody.ReadAsync(request, BodyOptions, cancellationToken);
        }
        catch (JsonBody.Refused ex)
        {
            return Error(ex.HttpStatus, ex.Message);
        }

        if (body is not JsonObject fields)
        {
            return Error(StatusCodes.Status400BadRequest, "the request body must be a JSON object: {\"function\": \"...\", \"parameters\": {...}}");
        }

        if (fields["function"] is not JsonValue name || name.GetValueKind() != JsonValueKind.String)
        {
            return Error(StatusCodes.Status400BadRequest, "'function' is required and must be a string");
        }

        if (fields["parameters"] is not null && fields["params"] is not null)
        {
            return Error(StatusCodes.Status400BadRequest, "give 'parameters' or 'params', not both");
        }

        var parameters = fields["parameters"] ?? fields["params"];
        if (parameters is not null and not JsonObject)
        {
            return Error(StatusCodes.Status400BadRequest, "'parameters' must be a JSON object");
        }

        Struct parsed;
        try
        {
            parsed = parameters is null ? new Struct() : StructMapper.ToStruct(parameters.AsObject());
        }
        catch (FormatException ex)
        {
            // Valid JSON that protobuf cannot carry, e.g. a number beyond a double's range.
            return Error(StatusCodes.Status400BadRequest, $"'parameters' cannot be read: {ex.Message}");
        }

        var invoke = new InvokeRequest { Function = name.GetValue<string>(), Parameters = parsed };
        bool? isAsync = fields["async"] switch
        {
            null => false,
            JsonValue flag when flag.GetValueKind() is JsonValueKind.True or JsonValueKind.False => flag.GetValue<bool>(),
            _ => null,
        };
        if (isAsync is null)
        {
            return Error(StatusCodes.Status400BadRequest, "'async' must be true or false");
        }

        if (isAsync.Value)
        {
            switch (fields["callback_url"])
            {
                case null:
                    break;
                case JsonValue url when url.GetValueKind() == JsonValueKind.String:
                    invoke.CallbackUrl = url.GetValue<string>();
                    break;
                default:
                    return Error(StatusCodes.Status400BadRequest, "'callback_url' must be a string");
            }

            return await StartAsync(runner, invoke, request.HttpContext);
        }

        InvocationResult? result = null;
        InvocationCompleted? completed = null;
        try
        {
            using var call = runner.Invoke(invoke, Relay.Options(request.HttpContext));
            await foreach (var item in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                result = item.Result ?? result;
                completed = item.Completed ?? completed;
            }
        }
        catch (RpcException ex)
        {
            return Error(StatusOf(ex, completed), MessageOf(ex));
        }

        var data = StructMapper.ToJson(result?.Data) ?? new JsonObject();
        return Results.Json(new JsonObject
        {
            ["status"] = "success",
            ["data"] = data,
            ["execution_time"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
        });
    }

    /// <summary>"async": true: 202 with the id and where to poll, or the refusal (bad input, full queue) at once.</summary>
    private static async Task<IResult> StartAsync(Runner.RunnerClient runner, InvokeRequest invoke, HttpContext context)
    {
        try
        {
            var accepted = await runner.InvokeAsyncAsync(invoke, Relay.Options(context));
            var location = Accepted.Location(accepted.InvocationId);
            context.Response.Headers.Location = location;
            return Results.Json(new JsonObject { ["status"] = "accepted", ["invocation_id"] = accepted.InvocationId, ["location"] = location },
                statusCode: StatusCodes.Status202Accepted);
        }
        catch (RpcException ex)
        {
            return Error(StatusOf(ex, null), MessageOf(ex));
        }
    }

    internal static int StatusOf(RpcException error, InvocationCompleted? completed) => error.StatusCode switch
    {
        StatusCode.InvalidArgument => StatusCodes.Status400BadRequest,
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        StatusCode.FailedPrecondition => StatusCodes.Status409Conflict,
        // Out of memory is the function's failure; a function stopped for what it wrote made too much (as a body
        // over the limit would be); only a refusal before anything ran (queue, disk, rate) is "too many requests".
        StatusCode.ResourceExhausted when completed?.Status == InvocationStatus.OomKilled => StatusCodes.Status500InternalServerError,
        StatusCode.ResourceExhausted when completed?.Status == InvocationStatus.Failed => StatusCodes.Status413PayloadTooLarge,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        StatusCode.Unavailable when Relay.LostRunner(error) is not null => StatusCodes.Status502BadGateway,
        StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    internal static string MessageOf(RpcException error) => error.StatusCode switch
    {
        _ when Relay.LostRunner(error) is { } lost => lost,
        // The runner's own bugs stay opaque: its log has the details.
        StatusCode.Unknown => "the runner failed unexpectedly",
        _ => error.Status.Detail,
    };

    private static IResult Error(int status, string message) =>
        Results.Json(new JsonObject { ["status"] = "error", ["error"] = message }, statusCode: status);
}
