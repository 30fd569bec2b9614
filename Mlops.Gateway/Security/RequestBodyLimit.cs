using Mlops.ServiceDefaults.Security;

namespace Mlops.Gateway.Security;

/// <summary>
/// Every REST body is refused with 413 (JSON) once it passes <see cref="GatewayServiceExtensions.MaxRequestBodyBytes"/>,
/// before anything parses it: at once when Content-Length says so, and for a chunked body as soon as the
/// limit is read (transcoding would otherwise report that as malformed JSON, a 400). gRPC bodies are left to
/// gRPC's own message limit.
/// </summary>
public sealed class RequestBodyLimit(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true || !HasBody(request))
        {
            await next(context);
            return;
        }

        if (request.ContentLength > GatewayServiceExtensions.MaxRequestBodyBytes || !await BufferAsync(request, context.RequestAborted))
        {
            // The rest of the body is never read: the connection cannot carry another request after this one,
            // and a client that is not told so reuses it and sees its next answer end before it starts.
            context.Response.Headers.Connection = "close";
            await EdgeErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, 8, "PAYLOAD_TOO_LARGE",
                $"the request body is larger than {GatewayServiceExtensions.MaxRequestBodyBytes / 1024} KiB");
            return;
        }

        await next(context);
    }

    private static bool HasBody(HttpRequest request) => request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;

    /// <summary>A chunked body is read here, to the limit; false if it goes past it.</summary>
    private static async Task<bool> BufferAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is not null)
        {
            return true;
        }

        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > GatewayServiceExtensions.MaxRequestBodyBytes)
            {
                return false;
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        request.Body = buffer;
        request.ContentLength = buffer.Length;
        return true;
    }
}
