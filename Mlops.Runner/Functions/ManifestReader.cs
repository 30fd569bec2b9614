using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Functions;

/// <summary>
/// Reads function.json strictly: unknown keys and wrong types are errors naming the key, so a typo in a
/// manifest is found when the function is listed, not when a user's invocation behaves oddly.
/// </summary>
public static class ManifestReader
{
    public const int DefaultTimeoutSeconds = 300;
    public const int DefaultMemoryMb = 512;
    public const double DefaultCpus = 1.0;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 32,
    };

    private static readonly HashSet<string> TopLevelKeys =
        ["description", "parameters", "timeoutSeconds", "memoryMb", "cpus", "model", "mode", "serving", "pool"];

    private static readonly HashSet<string> ParameterKeys =
        ["type", "description", "required", "default", "minimum", "maximum", "enum", "minItems", "maxItems", "items"];

    public static FunctionManifest Parse(string name, string directory, string json)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: DocumentOptions) as JsonObject
                   ?? throw new ManifestException("the file must hold a JSON object");
        }
        catch (JsonException ex)
        {
            throw new ManifestException($"not valid JSON: {ex.Message}");
        }

        RejectUnknownKeys(root, TopLevelKeys, "");
        var mode = OptionalString(root, "mode") ?? "task";
        if (mode != "task")
        {
            throw new ManifestException($"mode: '{mode}' is not supported yet (only 'task')");
        }

        return new FunctionManifest(
            name,
            directory,
            OptionalString(root, "description") ?? "",
            ReadParameters(root["parameters"]),
            TimeSpan.FromSeconds(OptionalNumber(root, "timeoutSeconds", 1, 86_400) ?? DefaultTimeoutSeconds),
            (int)(OptionalNumber(root, "memoryMb", 16, 1_048_576) ?? DefaultMemoryMb),
            OptionalNumber(root, "cpus", 0.05, 1024) ?? DefaultCpus,
            ReadModel(root["model"]))
        {
            Serving = ReadServing(root["serving"]),
            Pool = ReadPool(root["pool"]),
        };
    }

    private static ServingSpec? ReadServing(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject serving)
        {
            throw new ManifestException("serving: must be an object");
        }

        RejectUnknownKeys(serving, ["args", "concurrency", "startupSeconds", "memoryMb"], "serving.");
        var args = serving["args"] switch
        {
            null => [],
            JsonArray list => list.Select((a, i) => a?.GetValueKind() == JsonValueKind.String
                ? a.GetValue<string>()
                : throw new ManifestException($"serving.args[{i}]: must be a string")).ToList(),
            _ => throw new ManifestException("serving.args: must be an array of strings"),
        };
        return new ServingSpec(
            args,
            (int)(OptionalNumber(serving, "concurrency", 1, 10_000, "serving") ?? ServingSpec.DefaultConcurrency),
            TimeSpan.FromSeconds(OptionalNumber(serving, "startupSeconds", 1, 3_600, "serving") ?? ServingSpec.DefaultStartupSeconds),
            (int?)OptionalNumber(serving, "memoryMb", 16, 1_048_576, "serving"));
    }

    private static PoolSpec? ReadPool(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject pool)
        {
            throw new ManifestException("pool: must be an object");
        }

        RejectUnknownKeys(pool, ["max", "idleSeconds", "startupSeconds"], "pool.");
        return new PoolSpec(
            (int)(OptionalNumber(pool, "max", 1, 64, "pool") ?? throw new ManifestException("pool.max: is required (1 to 64)")),
            OptionalNumber(pool, "idleSeconds", 1, 86_400, "pool") is { } idle ? TimeSpan.FromSeconds(idle) : null,
            TimeSpan.FromSeconds(OptionalNumber(pool, "startupSeconds", 1, 3_600, "pool") ?? PoolSpec.DefaultStartupSeconds));
    }

    private static List<ParameterSpec> ReadParameters(JsonNode? node)
    {
        if (node is null)
        {
            return [];
        }

        if (node is not JsonObject parameters)
        {
            throw new ManifestException("parameters: must be an object of name -> declaration");
        }

        var specs = new List<ParameterSpec>();
        foreach (var (name, value) in parameters)
        {
            var path = $"parameters.{name}";
            if (value is not JsonObject declaration)
            {
                throw new ManifestException($"{path}: must be an object");
            }

            RejectUnknownKeys(declaration, ParameterKeys, path + ".");
            var type = ParseType(OptionalString(declaration, "type", path) ?? throw new ManifestException($"{path}.type: is required"), $"{path}.type");
            var itemType = OptionalString(declaration, "items", path) is { } items ? ParseType(items, $"{path}.items") : (ParameterType?)null;
            var allowed = declaration["enum"] switch
            {
                null => [],
                JsonArray array => array.Select(v => v?.DeepClone() ?? throw new ManifestException($"{path}.enum: null is not allowed")).ToList(),
                _ => throw new ManifestException($"{path}.enum: must be an array"),
            };

            var spec = new ParameterSpec(
                name,
                type,
                OptionalString(declaration, "description", path) ?? "",
                declaration["required"] is { } required ? required.GetValueKind() switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw new ManifestException($"{path}.required: must be true or false"),
                } : false,
                declaration["default"]?.DeepClone(),
                OptionalNumber(declaration, "minimum", double.MinValue, double.MaxValue, path),
                OptionalNumber(declaration, "maximum", double.MinValue, double.MaxValue, path),
                allowed,
                (int?)OptionalNumber(declaration, "minItems", 0, int.MaxValue, path),
                (int?)OptionalNumber(declaration, "maxItems", 0, int.MaxValue, path),
                itemType);

            // A default that breaks the declaration's own rules would fail every invocation that omits it.
            if (spec.Default is not null)
            {
                var problem = ParameterValidator.Check(spec, spec.Default, out var normalized);
                if (problem is not null)
                {
                    throw new ManifestException($"{path}.default{problem.Index}: {problem.Description}");
                }

                spec = spec with { Default = normalized };
            }

            specs.Add(spec);
        }

        return specs;
    }

    private static ModelUsage ReadModel(JsonNode? node)
    {
        if (node is null)
        {
            return ModelUsage.None;
        }

        if (node is not JsonObject model)
        {
            throw new ManifestException("model: must be an object");
        }

        RejectUnknownKeys(model, ["consumes", "produces", "name"], "model.");
        return new ModelUsage(
            model["consumes"]?.GetValueKind() == JsonValueKind.True,
            model["produces"]?.GetValueKind() == JsonValueKind.True,
            OptionalString(model, "name", "model"));
    }

    private static ParameterType ParseType(string value, string path) => value switch
    {
        "string" => ParameterType.String,
        "integer" => ParameterType.Integer,
        "number" => ParameterType.Number,
        "boolean" => ParameterType.Boolean,
        "array" => ParameterType.Array,
        "object" => ParameterType.Object,
        "any" => ParameterType.Any,
        _ => throw new ManifestException($"{path}: '{value}' is not one of string, integer, number, boolean, array, object, any"),
    };

    private static void RejectUnknownKeys(JsonObject obj, HashSet<string> known, string prefix)
    {
        foreach (var (key, _) in obj)
        {
            if (!known.Contains(key))
            {
                throw new ManifestException($"{prefix}{key}: unknown key (expected one of {string.Join(", ", known)})");
            }
        }
    }

    private static string? OptionalString(JsonObject obj, string key, string? parent = null)
    {
        var node = obj[key];
        if (node is null)
        {
            return null;
        }

        return node.GetValueKind() == JsonValueKind.String
            ? node.GetValue<string>()
            : throw new ManifestException($"{Path(parent, key)}: must be a string");
    }

    private static double? OptionalNumber(JsonObject obj, string key, double min, double max, string? parent = null)
    {
        var node = obj[key];
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.Number)
        {
            throw new ManifestException($"{Path(parent, key)}: must be a number");
        }

        var value = JsonNumbers.ToDouble(node);
        return value >= min && value <= max
            ? value
            : throw new ManifestException($"{Path(parent, key)}: must be between {min} and {max}");
    }

    private static string Path(string? parent, string key) => parent is null ? key : $"{parent}.{key}";
}

public sealed class ManifestException(string message) : Exception(message);
