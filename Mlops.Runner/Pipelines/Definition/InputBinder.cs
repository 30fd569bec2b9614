using System.Text.Json.Nodes;

namespace Mlops.Runner.Pipelines;

/// <summary>A run's inputs: the given ones checked against the pipeline's declarations, the missing ones defaulted.</summary>
internal static class InputBinder
{
    public static JsonObject Bind(PipelineDefinition definition, JsonObject? given)
    {
        given ??= [];
        var declared = definition.Inputs.ToDictionary(input => input.Name, StringComparer.Ordinal);
        foreach (var (name, _) in given)
        {
            if (!declared.ContainsKey(name))
            {
                var expected = declared.Count == 0 ? "this pipeline takes no inputs" : $"expected one of: {string.Join(", ", declared.Keys)}";
                throw RunnerException.InvalidArgument($"inputs.{name}", $"unknown input; {expected}");
            }
        }

        var bound = new JsonObject();
        foreach (var input in definition.Inputs)
        {
            // An explicit null means "not given", as for a function's parameters.
            if (given[input.Name] is { } value)
            {
                bound[input.Name] = InputReader.Checked(input, value, $"inputs.{input.Name}");
            }
            else if (input.Default is not null)
            {
                bound[input.Name] = input.Default.DeepClone();
            }
            else if (input.Required)
            {
                throw RunnerException.InvalidArgument($"inputs.{input.Name}", "is required");
            }
        }

        return bound;
    }
}
