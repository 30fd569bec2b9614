using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Functions.Parameters;

namespace Mlops.Functions.Serving;

/// <summary>
/// Every shape a model's input may take: one instance in <c>features</c> (its numbers in the model's feature
/// order, or an object naming them), or a batch in <c>instances</c> (a list of either). Anything else is
/// refused (<see cref="FunctionError.InvalidArgument"/>) with a message that says what is wrong and where.
/// </summary>
public static class Instances
{
    /// <summary>The rows in an invocation's <c>features</c> or <c>instances</c> parameter, and whether they came as one instance.</summary>
    /// <exception cref="FunctionError">The input has no acceptable shape (INVALID_ARGUMENT).</exception>
    public static (List<float[]> Rows, bool Single) Read(FunctionParameters parameters, Features features) =>
        Read(parameters.Peek("features"), parameters.Peek("instances"), features);

    /// <summary>The rows in <paramref name="parameters"/>' <c>features</c> or <c>instances</c>, and whether they came as one instance.</summary>
    /// <exception cref="FunctionError">The input has no acceptable shape (INVALID_ARGUMENT).</exception>
    public static (List<float[]> Rows, bool Single) Read(JsonObject parameters, Features features) =>
        Read(parameters["features"], parameters["instances"], features);

    /// <summary>The rows of a serving request's <c>instances</c>, read where they are (no copy of the batch).</summary>
    internal static List<float[]> ReadBatch(JsonNode? batch, Features features) => Read(null, batch, features).Rows;

    private static (List<float[]> Rows, bool Single) Read(JsonNode? one, JsonNode? batch, Features features)
    {
        var (noun, names) = (features.Noun, features.Names);
        if (one is not null && batch is not null)
        {
            throw FunctionError.InvalidArgument($"give either 'features' (one {noun}) or 'instances' (a batch), not both");
        }

        if (one is not null)
        {
            return ([Row(one, "features", features)], true);
        }

        if (batch is not JsonArray list)
        {
            throw FunctionError.InvalidArgument(batch is null
                ? $"give 'features' (one {noun}: [{string.Join(", ", names)}]) or 'instances' (a list of them)"
                : $"instances must be a list of {noun}s");
        }

        if (list.Count == 0)
        {
            throw FunctionError.InvalidArgument($"instances is empty: give at least one {noun}");
        }

        return list.Count <= Features.MaxBatch
            ? (list.Select((item, i) => Row(item, $"instances[{i}]", features)).ToList(), false)
            : throw FunctionError.InvalidArgument($"instances has {list.Count} {noun}s; at most {Features.MaxBatch} per invocation");
    }

    private static float[] Row(JsonNode? node, string field, Features features) => node switch
    {
        JsonArray list when list.Count == features.Names.Count => [.. list.Select((value, i) => Number(value, $"{field}[{i}]"))],
        JsonArray list => throw FunctionError.InvalidArgument($"{field} has {list.Count} values; expected {features.Names.Count}: {string.Join(", ", features.Names)}"),
        JsonObject named => Named(named, field, features.Names),
        _ => throw FunctionError.InvalidArgument($"{field} must be a list of {features.Names.Count} numbers or an object with {string.Join(", ", features.Names)}"),
    };

    private static float[] Named(JsonObject named, string field, IReadOnlyList<string> names)
    {
        var unknown = named.Select(pair => pair.Key).Where(key => !names.Contains(key)).ToList();
        if (unknown.Count > 0)
        {
            throw FunctionError.InvalidArgument($"{field} has unknown feature(s) {string.Join(", ", unknown)}; expected {string.Join(", ", names)}");
        }

        return [.. names.Select(name => named[name] is { } value
            ? Number(value, $"{field}.{name}")
            : throw FunctionError.InvalidArgument($"{field} is missing {name}"))];
    }

    private static float Number(JsonNode? node, string field)
    {
        if (node is null || node.GetValueKind() != JsonValueKind.Number)
        {
            throw FunctionError.InvalidArgument($"{field} must be a number (got {(node is null ? "null" : node.ToJsonString())})");
        }

        var value = node.GetValue<double>();
        return double.IsFinite(value) && Math.Abs(value) <= float.MaxValue
            ? (float)value
            : throw FunctionError.InvalidArgument($"{field} must be a finite number");
    }
}
