using System.Text.Json.Nodes;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Pipelines;

/// <summary>The built-in actions' parameters, declared as a function's are, so that one set of rules checks both.</summary>
internal static class ActionSignatures
{
    private static readonly Dictionary<string, ParameterSpec[]> ByAction = new(StringComparer.Ordinal)
    {
        ["best"] =
        [
            Required("from", ParameterType.String),
            Required("metric", ParameterType.String),
            Optional("goal", ParameterType.String) with { AllowedValues = Goals() },
        ],
        ["register"] =
        [
            Required("name", ParameterType.String),
            Required("model", ParameterType.String),
            Optional("metrics", ParameterType.Object),
            Optional("params", ParameterType.Object),
        ],
        ["alias"] =
        [
            Required("name", ParameterType.String),
            Required("alias", ParameterType.String),
            Required("version", ParameterType.Any),
            Optional("ifBetter", ParameterType.Object),
        ],
        ["deploy"] =
        [
            Required("endpoint", ParameterType.String),
            Required("function", ParameterType.String),
            Required("model", ParameterType.String),
            Optional("version", ParameterType.Any),
            Optional("minReplicas", ParameterType.Integer) with { Minimum = 0 },
            Optional("maxReplicas", ParameterType.Integer) with { Minimum = 1 },
        ],
        ["call"] =
        [
            Required("endpoint", ParameterType.String),
            Required("instances", ParameterType.Array) with { MinItems = 1 },
            Optional("expectVersion", ParameterType.Any),
        ],
    };

    public static IReadOnlyList<ParameterSpec> Of(string action) => ByAction[action];

    public static JsonNode[] Goals() => [JsonValue.Create("max"), JsonValue.Create("min")];

    private static ParameterSpec Required(string name, ParameterType type) => new(name, type, "", true, null, null, null, [], null, null, null);

    private static ParameterSpec Optional(string name, ParameterType type) => Required(name, type) with { Required = false };
}
