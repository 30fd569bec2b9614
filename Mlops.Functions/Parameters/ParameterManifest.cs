using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Functions.Parameters;

/// <summary>The <c>parameters</c> of function.json: the one place a function's bounds and defaults are written.</summary>
internal static class ParameterManifest
{
    private static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static IReadOnlyList<ParameterRule> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"no function.json at {path}: the Mlops.Functions package copies the function's manifest next to its binary, so build the function from its folder");
        }

        var root = JsonNode.Parse(File.ReadAllText(path), documentOptions: Lenient) as JsonObject
                   ?? throw new InvalidOperationException($"{path} does not hold a JSON object");
        return root["parameters"] is JsonObject declarations
            ? [.. declarations.Select(pair => ParameterRule.From(pair.Key, pair.Value!.AsObject()))]
            : [];
    }
}
