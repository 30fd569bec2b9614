using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;

namespace Mlops.Gateway.Serving;

/// <summary>
/// One prediction sent to one replica, bounded: an answer within the timeout and within the size cap, or the
/// replica is at fault (<paramref name="cutOff"/> is told why) and the caller gets 504 or 502.
/// </summary>
public static class ReplicaCall
{
    private static readonly JsonDocumentOptions AnswerOptions = new() { MaxDepth = 32 };

    public static async Task<byte[]> SendAsync(ReplicaConnection replica, byte[] body, TimeSpan timeout, long maxBytes, Action<string> cutOff, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, "predict") { Content = content };
            using var response = await replica.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, bounded.Token);
            var answer = await ReadAsync(response.Content, maxBytes, bounded.Token) ?? throw Flooded(replica, maxBytes, cutOff);
            return response.StatusCode switch
            {
                // An answer cut short (the replica removed mid-answer, its connection closed) ends like a whole one
                // when it came without a length: only a complete JSON object is passed on.
                HttpStatusCode.OK when !IsOneJsonObject(answer) => throw new ServingException(StatusCodes.Status502BadGateway, StatusCode.Internal,
                    $"replica {replica.Id} of endpoint '{replica.Endpoint}' answered something that is not one whole JSON object"),
                HttpStatusCode.OK => answer,
                HttpStatusCode.BadRequest => throw ServingException.BadInput(ErrorOf(answer) ?? "the replica refused the instances"),
                _ => throw new ServingException(StatusCodes.Status502BadGateway, StatusCode.Internal,
                    $"replica {replica.Id} answered {(int)response.StatusCode} without predictions"),
            };
        }
        catch (OperationCanceledException) when (bounded.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var reason = $"it did not answer a prediction within {timeout.TotalSeconds:0.###} s";
            cutOff(reason);
            throw new ServingException(StatusCodes.Status504GatewayTimeout, StatusCode.DeadlineExceeded,
                $"replica {replica.Id} of endpoint '{replica.Endpoint}' did not answer within {timeout.TotalSeconds:0.###} s (Serving:PredictTimeoutSeconds); it is being replaced");
        }
    }

    /// <summary>The whole answer, or null once it passes <paramref name="maxBytes"/> (announced or sent).</summary>
    private static async Task<byte[]?> ReadAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream((int)Math.Min(content.Headers.ContentLength ?? 4096, maxBytes));
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    private static ServingException Flooded(ReplicaConnection replica, long maxBytes, Action<string> cutOff)
    {
        cutOff($"it answered more than {maxBytes} bytes");
        return new ServingException(StatusCodes.Status502BadGateway, StatusCode.Internal,
            $"replica {replica.Id} of endpoint '{replica.Endpoint}' answered more than {maxBytes} bytes (Serving:MaxResponseBytes); it is being replaced");
    }

    /// <summary>Whether <paramref name="answer"/> is exactly one complete JSON object (a scan, nothing built).</summary>
    public static bool IsOneJsonObject(ReadOnlySpan<byte> answer)
    {
        var reader = new Utf8JsonReader(answer, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? ErrorOf(byte[] answer)
    {
        try
        {
            return JsonNode.Parse(answer, documentOptions: AnswerOptions)?["error"] is JsonValue error && error.GetValueKind() == JsonValueKind.String ? error.GetValue<string>() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
