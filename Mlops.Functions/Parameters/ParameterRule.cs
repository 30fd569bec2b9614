using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Functions.Parameters;

/// <summary>
/// One parameter as function.json declares it, and the check of a value against it. The runner checks the
/// same rules before the container exists; the function checks again so that it stands on its own.
/// </summary>
internal sealed record ParameterRule(string Name, string Type, JsonNode? Default, bool Required, double? Minimum, double? Maximum,
    JsonArray? Allowed, int? MinItems, int? MaxItems, string? Items)
{
    public static ParameterRule From(string name, JsonObject declaration) => new(
        name,
        declaration["type"]?.GetValue<string>() ?? "any",
        declaration["default"],
        declaration["required"]?.GetValueKind() == JsonValueKind.True,
        declaration["minimum"]?.GetValue<double>(),
        declaration["maximum"]?.GetValue<double>(),
        declaration["enum"] as JsonArray,
        declaration["minItems"]?.GetValue<int>(),
        declaration["maxItems"]?.GetValue<int>(),
        declaration["items"]?.GetValue<string>());

    /// <summary>What is wrong with <paramref name="value"/>, or null when it is acceptable.</summary>
    public string? Problem(JsonNode value)
    {
        if (Mismatch(Type, value) is { } mismatch)
        {
            return mismatch;
        }

        if (value.GetValueKind() == JsonValueKind.Number)
        {
            var number = value.GetValue<double>();
            if (number < Minimum)
            {
                return $"must be >= {Text(Minimum.Value)} (got {Text(number)})";
            }

            if (number > Maximum)
            {
                return $"must be <= {Text(Maximum.Value)} (got {Text(number)})";
            }
        }

        if (Allowed is not null && !Allowed.Any(choice => JsonNode.DeepEquals(choice, value)))
        {
            return $"must be one of {Allowed.ToJsonString()}";
        }

        return value is JsonArray list ? ListProblem(list) : null;
    }

    private string? ListProblem(JsonArray list)
    {
        if (list.Count < MinItems || list.Count > MaxItems)
        {
            return $"must have {MinItems ?? 0} to {(MaxItems is { } most ? Text(most) : "any number of")} items (got {list.Count})";
        }

        for (var i = 0; Items is not null && i < list.Count; i++)
        {
            if (list[i] is not { } item || Mismatch(Items, item) is not null)
            {
                return $"[{i}]: must be {Article(Items)} {Items}";
            }
        }

        return null;
    }

    private static string? Mismatch(string type, JsonNode value)
    {
        var kind = value.GetValueKind();
        var fits = type switch
        {
            "string" => kind == JsonValueKind.String,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "number" => kind == JsonValueKind.Number,
            "integer" => kind == JsonValueKind.Number && value.GetValue<double>() is var n && Math.Floor(n) == n && double.IsFinite(n),
            "array" => kind == JsonValueKind.Array,
            "object" => kind == JsonValueKind.Object,
            _ => kind != JsonValueKind.Null,
        };
        return fits ? null : $"must be {Article(type)} {type} (got {value.ToJsonString()})";
    }

    private static string Article(string type) => type is "integer" or "array" or "object" or "any" ? "an" : "a";

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
