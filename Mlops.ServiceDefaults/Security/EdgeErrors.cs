using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Mlops.ServiceDefaults.Security;

/// <summary>
/// The answer of a check at the edge (key, role, origin, body size, rate limit), in the caller's protocol:
/// JSON over REST, a trailers-only status over gRPC. Never a page.
/// </summary>
public static partial class EdgeErrors
{
    public static Task WriteAsync(HttpContext context, int httpStatus, int grpcStatus, string code, string message)
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = grpcStatus.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            return Task.CompletedTask;
        }

        context.Response.StatusCode = httpStatus;
        return context.Response.WriteAsJsonAsync(new ErrorBody(message, code), ErrorJson.Default.ErrorBody, cancellationToken: context.RequestAborted);
    }

    /// <summary>"status" too, so that a caller of the source documents' /invoke reads it as its own errors.</summary>
    private sealed record ErrorBody(string Error, string Code)
    {
        public string Status => "error";
    }

    /// <summary>camelCase, as ASP.NET Core writes JSON; generated at build time (the runner runs compiled ahead of time).</summary>
    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [JsonSerializable(typeof(ErrorBody))]
    private sealed partial class ErrorJson : JsonSerializerContext;
}
