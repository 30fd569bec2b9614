using System.Text.Json;
using System.Text.Json.Nodes;

namespace Predict;

/// <summary>
/// What predict accepts: one flower in <c>features</c> (four numbers in the model's feature order, or an
/// object naming them), or a batch in <c>instances</c> (a list of either). Anything else is refused with a
/// message that says what is wrong and where.
/// </summary>
internal static class FlowerInput
{
    public const int MaxBatch = 10_000;

    public static (List<float[]> Rows, bool Single) Parse(JsonObject parameters, IReadOnlyList<string> featureNames)
    {
        var features = parameters["features"];
        var instances = parameters["instances"];
        if (features is not null && instances is not null)
        {
            throw new InvalidInputException("give either 'features' (one flower) or 'instances' (a batch), not both");
        }

        if (features is not null)
        {
            return ([Row(features, "features", featureNames)], true);
        }

        if (instances is not JsonArray batch)
        {
            throw new InvalidInputException(instances is null
                ? $"give 'features' (one flower: [{string.Join(", ", featureNames)}]) or 'instances' (a list of them)"
                : "instances must be a list of flowers");
        }

        if (batch.Count == 0)
        {
            throw new InvalidInputException("instances is empty: give at least one flower");
        }

        if (batch.Count > MaxBatch)
        {
            throw new InvalidInputException($"instances has {batch.Count} flowers; at most {MaxBatch} per invocation");
        }

        return (batch.Select((item, i) => Row(item, $"instances[{i}]", featureNames)).ToList(), false);
    }

    private static float[] Row(JsonNode? node, string field, IReadOnlyList<string> names) => node switch
    {
        JsonArray list when list.Count == names.Count => list.Select((value, i) => Number(value, $"{field}[{i}]")).ToArray(),
        JsonArray list => throw new InvalidInputException($"{field} has {list.Count} values; expected {names.Count}: {string.Join(", ", names)}"),
        JsonObject named => Named(named, field, names),
        _ => throw new InvalidInputException($"{field} must be a list of {names.Count} numbers or an object with {string.Join(", ", names)}"),
    };

    private static float[] Named(JsonObject named, string field, IReadOnlyList<string> names)
    {
        var unknown = named.Select(pair => pair.Key).Where(key => !names.Contains(key)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidInputException($"{field} has unknown feature(s) {string.Join(", ", unknown)}; expected {string.Join(", ", names)}");
        }

        return names.Select(name => named[name] is { } value
            ? Number(value, $"{field}.{name}")
            : throw new InvalidInputException($"{field} is missing {name}")).ToArray();
    }

    private static float Number(JsonNode? node, string field)
    {
        if (node is null || node.GetValueKind() != JsonValueKind.Number)
        {
            throw new InvalidInputException($"{field} must be a number (got {(node is null ? "null" : node.ToJsonString())})");
        }

        var value = node.GetValue<double>();
        return double.IsFinite(value) && Math.Abs(value) <= float.MaxValue
            ? (float)value
            : throw new InvalidInputException($"{field} must be a finite number");
    }
}
