using System.Text.Json;
using System.Text.Json.Nodes;

namespace Predict;

/// <summary>The function contract: parameters in, result or error out (see the repository README).</summary>
internal sealed class FunctionIo(string input, string output)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static FunctionIo FromEnvironment() => new(
        Environment.GetEnvironmentVariable("MLOPS_INPUT_DIR") ?? "/mlops/input",
        Environment.GetEnvironmentVariable("MLOPS_OUTPUT_DIR") ?? "/mlops/output");

    /// <summary>The model the runner staged for this invocation.</summary>
    public string ModelInput => Path.Combine(input, "model");

    public JsonObject ReadParameters()
    {
        var path = Path.Combine(input, "params.json");
        return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? [] : [];
    }

    public void WriteResult(JsonObject metrics, JsonObject parameters, JsonObject data) =>
        Write("result.json", new JsonObject { ["metrics"] = metrics, ["params"] = parameters, ["data"] = data });

    /// <summary>A refusal the runner maps to a status (INVALID_ARGUMENT, FAILED_PRECONDITION, ...).</summary>
    public void WriteError(string code, string message) =>
        Write("error.json", new JsonObject { ["code"] = code, ["message"] = message });

    private void Write(string relativePath, JsonNode content)
    {
        var path = Path.Combine(output, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content.ToJsonString(Indented));
    }
}

/// <summary>Input the function refuses; reported through error.json as INVALID_ARGUMENT.</summary>
internal sealed class InvalidInputException(string message) : Exception(message);
