using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Functions.Artifacts;
using Mlops.Functions.Models;
using Mlops.Functions.Parameters;

namespace Mlops.Functions;

/// <summary>
/// One invocation as the function sees it: its parameters, the model staged for it, and where its answer
/// goes. <see cref="FunctionHost"/> makes one and hands it to the function's code.
/// </summary>
public sealed class FunctionContext(FunctionPaths paths)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly Lazy<FunctionParameters> _parameters = new(() =>
        FunctionParameters.Load(Path.Combine(paths.Input, "params.json"), paths.Manifest));

    /// <summary>The parameters, checked against function.json with its defaults filled in (read on first use).</summary>
    public FunctionParameters Parameters => _parameters.Value;

    /// <summary>The folder of the model the runner staged for this call (<c>"model": {"consumes": true}</c>), or null when none was.</summary>
    public string? InputModel => paths.InputModel();

    /// <summary>Where the function leaves the model it trained (<c>"model": {"produces": true}</c>); the runner registers it.</summary>
    public ModelOutput OutputModel { get; } = new(Path.Combine(paths.Output, "model"));

    /// <summary>The artifacts a pipeline gave this step, by name: <c>context.Artifacts["dataset"]</c> is a read-only folder.</summary>
    public InputArtifacts Artifacts { get; } = new(paths.Input);

    /// <summary>Where this step leaves artifacts for later steps: <c>context.OutputArtifacts.PathOf("dataset", "train.csv")</c>.</summary>
    public OutputArtifacts OutputArtifacts { get; } = new(paths.Output);

    /// <summary>Lines for the invocation's log.</summary>
    public FunctionLog Log { get; } = new();

    /// <summary>Writes <c>result.json</c>: what the caller gets back, and what tracking records.</summary>
    /// <param name="metrics">Numbers the run is judged by (tracked as the run's metrics).</param>
    /// <param name="parameters">The parameters the result was made with (tracked as the run's params).</param>
    /// <param name="data">Anything else the caller should see.</param>
    public void WriteResult(JsonObject metrics, JsonObject parameters, JsonObject data) =>
        WriteJson("result.json", new JsonObject { ["metrics"] = metrics, ["params"] = parameters, ["data"] = data });

    /// <summary>Writes a JSON file in the output folder (sub-folders are made).</summary>
    public void WriteJson(string relativePath, JsonNode content) => Write(Path.Combine(paths.Output, relativePath), content);

    internal void WriteError(FunctionError error) =>
        WriteJson("error.json", new JsonObject { ["code"] = error.Code, ["message"] = error.Message });

    internal static void Write(string path, JsonNode content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content.ToJsonString(Indented));
    }
}
