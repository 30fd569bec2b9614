using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Registry.Mlflow;

/// <summary>
/// MLflow's REST API as it really behaves (shared/reference/mlflow-rest.md): JSON in and out, errors as
/// {"error_code","message"} — or, for unknown routes and unhandled failures, an HTML page, which must
/// never reach a caller. Typed HttpClient: its base address is the tracking server.
/// </summary>
public sealed class MlflowClient(HttpClient http)
{
    public const string ApiBase = "api/2.0/mlflow/";
    public const string ArtifactsBase = "api/2.0/mlflow-artifacts/artifacts";

    public Task<JsonObject> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, ApiBase + path), cancellationToken);

    public Task<JsonObject> PostAsync(string path, JsonObject body, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, ApiBase + path) { Content = JsonContent.Create(body, RunnerJson.Default.JsonObject) }, cancellationToken);

    /// <summary>MLflow's DELETE calls carry a JSON body.</summary>
    public Task<JsonObject> DeleteAsync(string path, JsonObject body, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, ApiBase + path) { Content = JsonContent.Create(body, RunnerJson.Default.JsonObject) }, cancellationToken);

    public async Task PutArtifactAsync(string artifactPath, Stream content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{ArtifactsBase}/{Encode(artifactPath)}") { Content = new StreamContent(content) };
        using var response = await ReachAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public async Task GetArtifactAsync(string artifactPath, Stream destination, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{ArtifactsBase}/{Encode(artifactPath)}");
        using var response = await ReachAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        await response.Content.CopyToAsync(destination, cancellationToken);
    }

    /// <summary>The files and folders directly in an artifact folder, as MLflow names them (unchecked: see <see cref="MlflowRegistry"/>).</summary>
    public async Task<IReadOnlyList<(string Name, bool IsDirectory)>> ListArtifactsAsync(string artifactPath, CancellationToken cancellationToken)
    {
        var listing = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{ArtifactsBase}?path={Uri.EscapeDataString(artifactPath)}"), cancellationToken);
        return listing["files"] is JsonArray files
            ? files.Select(f => (f?["path"]?.GetValue<string>() ?? "", f?["is_dir"]?.GetValue<bool>() ?? false)).ToList()
            : [];
    }

    private async Task<JsonObject> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        using (var response = await ReachAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken))
        {
            await EnsureSuccessAsync(response, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            try
            {
                // Empty results come back as {} with the keys left out.
                return text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? throw new MlflowException(response.StatusCode, "BAD_RESPONSE", "not a JSON object");
            }
            catch (JsonException)
            {
                throw new MlflowException(response.StatusCode, "BAD_RESPONSE", "MLflow answered with something that is not JSON");
            }
        }
    }

    private async Task<HttpResponseMessage> ReachAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new MlflowException(HttpStatusCode.ServiceUnavailable, "UNREACHABLE", $"no answer from {http.BaseAddress} ({ex.Message})");
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The client's own timeout, not the caller's cancellation.
            throw new MlflowException(HttpStatusCode.GatewayTimeout, "TIMEOUT", $"no answer from {http.BaseAddress} in time ({ex.Message})");
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        string code = "UNKNOWN", message;
        try
        {
            var error = JsonNode.Parse(text) as JsonObject;
            code = error?["error_code"]?.GetValue<string>() ?? code;
            message = error?["message"]?.GetValue<string>() ?? $"HTTP {(int)response.StatusCode}";
        }
        catch (JsonException)
        {
            // An HTML error page: keep only the status, never the page.
            message = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }

        throw new MlflowException(response.StatusCode, code, message);
    }

    private static string Encode(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}

public sealed class MlflowException(HttpStatusCode status, string errorCode, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    public string ErrorCode { get; } = errorCode;

    // By code only: a 404 with an HTML page means a wrong address, not a missing thing.
    public bool IsNotFound => ErrorCode == "RESOURCE_DOES_NOT_EXIST";

    public bool IsAlreadyThere => ErrorCode == "RESOURCE_ALREADY_EXISTS";

    public bool IsInvalidParameter => ErrorCode is "INVALID_PARAMETER_VALUE" or "BAD_REQUEST";
}
