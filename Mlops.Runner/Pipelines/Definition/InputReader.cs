using System.Text.Json.Nodes;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Pipelines;

/// <summary>Reads pipeline.json's "inputs": each one's type, element type, default (checked against the type) and flags.</summary>
internal static class InputReader
{
    private static readonly string[] Keys = ["type", "items", "default", "required", "description"];
    private static readonly string[] Types = ["string", "integer", "number", "boolean", "array"];
    private static readonly string[] ItemTypes = ["string", "integer", "number", "boolean"];

    public static List<PipelineInputSpec> Read(JsonNode? node)
    {
        if (node is null)
        {
            return [];
        }

        var inputs = new List<PipelineInputSpec>();
        foreach (var (name, value) in StrictJson.Object(node, "inputs"))
        {
            var path = $"inputs.{name}";
            PlanNames.CheckId(name, path);
            var declaration = StrictJson.Object(value, path);
            StrictJson.RejectUnknownKeys(declaration, Keys, path);
            var type = StrictJson.OptionalString(declaration, "type", path) ?? throw RunnerException.InvalidArgument($"{path}.type", "is required");
            if (!Types.Contains(type))
            {
                throw RunnerException.InvalidArgument($"{path}.type", $"'{type}' is not one of {string.Join(", ", Types)}");
            }

            var items = StrictJson.OptionalString(declaration, "items", path);
            if (type == "array" && (items is null || !ItemTypes.Contains(items)))
            {
                throw RunnerException.InvalidArgument($"{path}.items", $"an array input names its elements' type: one of {string.Join(", ", ItemTypes)}");
            }

            if (type != "array" && items is not null)
            {
                throw RunnerException.InvalidArgument($"{path}.items", "only an array input has items");
            }

            var input = new PipelineInputSpec(name, type, items, null,
                StrictJson.OptionalBoolean(declaration, "required", path, false),
                StrictJson.OptionalString(declaration, "description", path) ?? "");
            inputs.Add(input with { Default = declaration["default"] is { } given ? Checked(input, given, $"{path}.default") : null });
        }

        return inputs;
    }

    /// <summary>The value as the input's type has it (5.0 is the integer 5); InvalidArgument naming the field otherwise.</summary>
    public static JsonNode? Checked(PipelineInputSpec input, JsonNode value, string field)
    {
        var problem = ParameterValidator.Check(Spec(input), value, out var normalized);
        return problem is null ? normalized : throw RunnerException.InvalidArgument(field + problem.Index, problem.Description);
    }

    /// <summary>An input as a parameter declaration, for the function's own validation rules.</summary>
    public static ParameterSpec Spec(PipelineInputSpec input) =>
        new(input.Name, TypeOf(input.Type), input.Description, input.Required, input.Default, null, null, [], null, null,
            input.ItemType is { } item ? TypeOf(item) : null);

    public static ParameterType TypeOf(string type) => type switch
    {
        "string" => ParameterType.String,
        "integer" => ParameterType.Integer,
        "number" => ParameterType.Number,
        "boolean" => ParameterType.Boolean,
        _ => ParameterType.Array,
    };
}
