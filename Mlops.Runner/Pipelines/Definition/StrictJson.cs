using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// Reads pipeline.json's objects strictly: an unknown key or a wrong type is an InvalidArgument naming its path
/// ("steps.train.retries: ..."), so that a typo is refused rather than ignored.
/// </summary>
internal static class StrictJson
{
    public static JsonObject Object(JsonNode? node, string path) =>
        node as JsonObject ?? throw RunnerException.InvalidArgument(path, $"must be an object (got {Describe(node)})");

    public static void RejectUnknownKeys(JsonObject obj, IReadOnlyCollection<string> known, string path)
    {
        foreach (var (key, _) in obj)
        {
            if (!known.Contains(key))
            {
                throw RunnerException.InvalidArgument(Join(path, key), $"unknown key (expected one of {string.Join(", ", known)})");
            }
        }
    }

    public static string? OptionalString(JsonObject obj, string key, string path) => obj[key] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        var other => throw RunnerException.InvalidArgument(Join(path, key), $"must be a string (got {Describe(other)})"),
    };

    public static bool OptionalBoolean(JsonObject obj, string key, string path, bool fallback) => obj[key] switch
    {
        null => fallback,
        var node when node.GetValueKind() == JsonValueKind.True => true,
        var node when node.GetValueKind() == JsonValueKind.False => false,
        var other => throw RunnerException.InvalidArgument(Join(path, key), $"must be true or false (got {Describe(other)})"),
    };

    public static int? OptionalInteger(JsonObject obj, string key, string path, int min, int max)
    {
        var number = OptionalNumber(obj, key, path, min, max);
        if (number is { } value && Math.Floor(value) != value)
        {
            throw RunnerException.InvalidArgument(Join(path, key), $"must be an integer (got {obj[key]!.ToJsonString()})");
        }

        return (int?)number;
    }

    public static double? OptionalNumber(JsonObject obj, string key, string path, double min, double max)
    {
        var node = obj[key];
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.Number)
        {
            throw RunnerException.InvalidArgument(Join(path, key), $"must be a number (got {Describe(node)})");
        }

        var value = JsonNumbers.ToDouble(node);
        return value >= min && value <= max
            ? value
            : throw RunnerException.InvalidArgument(Join(path, key), $"must be between {min} and {max} (got {node.ToJsonString()})");
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    public static string Describe(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };
}
