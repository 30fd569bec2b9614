using System.Text.Json;
using Docker.DotNet;

namespace Mlops.AppHost.Hosting;

/// <summary>What the Docker engine said when it refused: the "message" of its JSON error body, else the body, else the exception's text.</summary>
internal static class EngineError
{
    public static string Message(DockerApiException ex)
    {
        if (ex.ResponseBody is not { Length: > 0 } body)
        {
            return ex.Message;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } text ? text : body.Trim();
        }
        catch (JsonException)
        {
            // Not JSON: the body is what there is.
            return body.Trim();
        }
    }
}
