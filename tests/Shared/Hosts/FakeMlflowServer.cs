using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Mlops.Testing;

/// <summary>
/// A real HTTP server on loopback speaking the few MLflow calls a model download makes (runs/get, experiments/get,
/// the artifacts proxy's listing and files, and model-versions/get answering every version as runs:/&lt;RunId&gt;/model),
/// answering whatever listing and bytes the test gives it: a peer that lies.
/// </summary>
internal sealed class FakeMlflowServer : LoopbackHttpServer
{
    public FakeMlflowServer() => Start();

    /// <summary>The run every model version comes from.</summary>
    public string RunId { get; set; } = "0123456789abcdef0123456789abcdef";

    /// <summary>Listings by the proxy path asked for (e.g. "1/&lt;run&gt;/artifacts/model"): (path as listed, is_dir).</summary>
    public Dictionary<string, (string Path, bool IsDirectory)[]> Listings { get; } = new(StringComparer.Ordinal);

    /// <summary>Files by the end of their path; any download not found here is a 500, as MLflow answers one.</summary>
    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    protected override async Task AnswerAsync(HttpListenerContext context)
    {
        var (status, body) = Answer(context.Request);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.OutputStream.WriteAsync(body);
    }

    private (int Status, byte[] Body) Answer(HttpListenerRequest request)
    {
        var path = request.Url!.AbsolutePath;
        if (path == "/api/2.0/mlflow/runs/get")
        {
            var run = request.QueryString["run_id"];
            return (200, Json(new JsonObject
            {
                ["run"] = new JsonObject
                {
                    ["info"] = new JsonObject { ["run_id"] = run, ["experiment_id"] = "1", ["artifact_uri"] = $"mlflow-artifacts:/1/{run}/artifacts", ["status"] = "FINISHED", ["start_time"] = 0 },
                    ["data"] = new JsonObject(),
                },
            }));
        }

        if (path == "/api/2.0/mlflow/model-versions/get")
        {
            return (200, Json(new JsonObject
            {
                ["model_version"] = new JsonObject
                {
                    ["name"] = request.QueryString["name"], ["version"] = request.QueryString["version"], ["run_id"] = RunId, ["source"] = $"runs:/{RunId}/model",
                    ["creation_timestamp"] = 0,
                },
            }));
        }

        if (path == "/api/2.0/mlflow/experiments/get")
        {
            return (200, Json(new JsonObject { ["experiment"] = new JsonObject { ["experiment_id"] = "1", ["name"] = "train" } }));
        }

        if (path == "/api/2.0/mlflow-artifacts/artifacts")
        {
            var listed = Listings.TryGetValue(request.QueryString["path"] ?? "", out var entries) ? entries : [];
            return (200, Json(new JsonObject
            {
                ["files"] = new JsonArray(listed.Select(e => (JsonNode)new JsonObject { ["path"] = e.Path, ["is_dir"] = e.IsDirectory }).ToArray()),
            }));
        }

        var file = Files.FirstOrDefault(f => path.EndsWith("/" + f.Key, StringComparison.Ordinal));
        return file.Value is not null
            ? (200, file.Value)
            : (500, Encoding.UTF8.GetBytes("""{"error_code": "INTERNAL_ERROR", "message": "no such artifact"}"""));
    }

    private static byte[] Json(JsonObject value) => Encoding.UTF8.GetBytes(value.ToJsonString());
}
