using Microsoft.AspNetCore.Http.Features;
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
    /// <summary>The most of a refused body that is read (and dropped) so that its sender can read the 413.</summary>
    private const long MaxDrainBytes = 16 * 1024 * 1024;

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true || !HasBody(request))
        {
            await next(context);
            return;
        }

        // This class enforces the limit, and answers in JSON; the server's own bound is raised to what may be drained.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } serverLimit)
        {
            serverLimit.MaxRequestBodySize = MaxDrainBytes;
        }

        if (request.ContentLength > GatewayServiceExtensions.MaxRequestBodyBytes || !await BufferAsync(request, context.RequestAborted))
        {
            // The rest is read and dropped (never parsed), up to a bound: a client still sending would otherwise
            // meet a closed socket (broken pipe) before it reads this answer. The connection then closes: a
            // client not told so would reuse it and see its next answer end before it starts.
            await DrainAsync(request, context.RequestAborted);
            context.Response.Headers.Connection = "close";
            await EdgeErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, 8, "PAYLOAD_TOO_LARGE",
                $"the request body is larger than {GatewayServiceExtensions.MaxRequestBodyBytes / 1024} KiB");
            return;
        }

        await next(context);
    }

    /// <summary>Reads what is left of a refused body and drops it, at most <see cref="MaxDrainBytes"/> and for at most 5 s.</summary>
    private static async Task DrainAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxDrainBytes)
        {
            return;
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(DrainTimeout);
        var chunk = new byte[16 * 1024];
        try
        {
            for (long drained = 0; drained < MaxDrainBytes;)
            {
                var read = await request.Body.ReadAsync(chunk, bound.Token);
                if (read == 0)
                {
                    return;
                }

                drained += read;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or BadHttpRequestException)
        {
            // A client that keeps sending past the bound (or breaks its own framing) gets the closed connection
            // and, if it still reads, the answer, which is written anyway.
        }
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
