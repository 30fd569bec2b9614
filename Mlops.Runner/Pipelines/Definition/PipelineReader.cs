using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// Reads a pipeline.json into a <see cref="PipelineDefinition"/>, refusing, before anything runs, what could only
/// fail later: the file's shape, what its references name, cycles, and each step against what it runs.
/// </summary>
internal static class PipelineReader
{
    private static readonly string[] Keys = ["description", "cache", "inputs", "steps"];

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
        // Two steps of one id are a typo, never "the last one wins".
        AllowDuplicateProperties = false,
    };

    /// <param name="functions">A function's manifest by name, as <see cref="FunctionCatalog.GetAsync"/> answers it.</param>
    public static async Task<PipelineDefinition> ReadAsync(
        string name,
        ReadOnlyMemory<byte> file,
        Func<string, CancellationToken, Task<FunctionManifest>> functions,
        CancellationToken cancellationToken)
    {
        JsonObject root;
        try
        {
            root = StrictJson.Object(JsonNode.Parse(file.Span, documentOptions: DocumentOptions), PipelineDefinition.FileName);
        }
        catch (JsonException ex)
        {
            throw RunnerException.InvalidArgument(PipelineDefinition.FileName, $"not valid JSON: {ex.Message}");
        }

        StrictJson.RejectUnknownKeys(root, Keys, "");
        var description = StrictJson.OptionalString(root, "description", "") ?? "";
        var cache = StrictJson.OptionalBoolean(root, "cache", "", true);
        var inputs = InputReader.Read(root["inputs"]);
        var written = root["steps"] is { } node ? StrictJson.Object(node, "steps") : throw RunnerException.InvalidArgument("steps", "is required");
        if (written.Count is 0 or > PlanNames.MaxSteps)
        {
            throw RunnerException.InvalidArgument("steps", $"must hold 1 to {PlanNames.MaxSteps} steps (got {written.Count})");
        }

        var steps = written.Select(pair => StepReader.Read(pair.Key, pair.Value)).ToList();
        var dependencies = PlanReferences.Check(inputs, steps);
        var ordered = StepOrder.Sort(steps, dependencies);
        await StepChecks.CheckAsync(inputs, steps, functions, cancellationToken);
        return new PipelineDefinition(
            name,
            description,
            inputs,
            ordered,
            cache,
            "sha256:" + Convert.ToHexStringLower(SHA256.HashData(file.Span)));
    }
}
