using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Gateway;

/// <summary>
/// A REST request's body, read once (already bounded by <see cref="Security.RequestBodyLimit"/>, which runs after the key check), as bytes or as
/// JSON, with one sentence for each way it can be wrong; each protocol words its own error around it.
/// </summary>
public static class JsonBody
{
    public sealed class Refused(int httpStatus, string message) : Exception(message)
    {
        public int HttpStatus { get; } = httpStatus;
    }

    public static async Task<byte[]> ReadBytesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            // Sized from Content-Length, which the body limit sets for chunked bodies too.
            using var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? 0, GatewayServiceExtensions.MaxRequestBodyBytes));
            await request.Body.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (BadHttpRequestException ex)
        {
            throw new Refused(ex.StatusCode, "the request body could not be read");
        }
    }

    public static async Task<JsonNode?> ReadAsync(HttpRequest request, JsonDocumentOptions options, CancellationToken cancellationToken)
    {
        var bytes = await ReadBytesAsync(request, cancellationToken);
        try
        {
            return JsonNode.Parse(bytes, documentOptions: options);
        }
        catch (JsonException ex)
        {
            throw new Refused(StatusCodes.Status400BadRequest, $"the request body is not valid JSON: {ex.Message}");
        }
    }
}
