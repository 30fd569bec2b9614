using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Invocations;

/// <summary>An <see cref="AsyncRequest"/> as history keeps it: {"parameters": {...}, "callback_url": "..."}.</summary>
internal static class AsyncRequests
{
    public static string Serialize(AsyncRequest request) => new JsonObject
    {
        ["parameters"] = request.Parameters.DeepClone(),
        ["callback_url"] = request.CallbackUrl?.ToString(),
    }.ToJsonString();

    /// <exception cref="JsonException">Not what <see cref="Serialize"/> writes.</exception>
    public static AsyncRequest Deserialize(string json)
    {
        var stored = JsonNode.Parse(json) as JsonObject ?? throw new JsonException("an async request must be a JSON object");
        var parameters = stored["parameters"] is JsonObject p && stored.Remove("parameters") ? p : [];
        var callback = stored["callback_url"] is JsonValue url && url.GetValueKind() == JsonValueKind.String ? new Uri(url.GetValue<string>()) : null;
        return new AsyncRequest(parameters, callback);
    }
}
