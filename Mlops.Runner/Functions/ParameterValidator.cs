using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Functions;

/// <summary>
/// Checks invocation parameters against the manifest before any container exists and fills defaults.
/// Every problem is reported at once, each naming its field (parameters.&lt;name&gt;[index]).
/// </summary>
public static class ParameterValidator
{
    public const string FieldPrefix = "parameters";

    public static JsonObject Validate(FunctionManifest manifest, JsonObject? given)
    {
        given ??= [];
        var violations = new List<FieldViolation>();
        var known = manifest.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);

        foreach (var (name, _) in given)
        {
            if (!known.ContainsKey(name))
            {
                var expected = known.Count == 0 ? "this function takes no parameters" : $"expected one of: {string.Join(", ", known.Keys)}";
                violations.Add(new FieldViolation($"{FieldPrefix}.{name}", $"unknown parameter; {expected}"));
            }
        }

        var validated = new JsonObject();
        foreach (var spec in manifest.Parameters)
        {
            var field = $"{FieldPrefix}.{spec.Name}";
            // An explicit null means "not given", as the source documents' clients send it.
            var value = given[spec.Name];
            if (value is null)
            {
                if (spec.Default is not null)
                {
                    validated[spec.Name] = spec.Default.DeepClone();
                }
                else if (spec.Required)
                {
                    violations.Add(new FieldViolation(field, "is required"));
                }

                continue;
            }

            var problem = Check(spec, value, out var normalized);
            if (problem is null)
            {
                validated[spec.Name] = normalized;
            }
            else
            {
                violations.Add(new FieldViolation(field + problem.Index, problem.Description));
            }
        }

        if (violations.Count > 0)
        {
            var message = string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"));
            throw new RunnerException(ErrorKind.InvalidArgument, $"invalid parameters for '{manifest.Name}': {message}", violations);
        }

        return validated;
    }

    /// <summary>Returns null when <paramref name="value"/> satisfies <paramref name="spec"/>, otherwise the problem.</summary>
    public static ParameterProblem? Check(ParameterSpec spec, JsonNode value, out JsonNode? normalized)
    {
        normalized = null;
        var typeProblem = CheckType(spec.Type, value, out var typed);
        if (typeProblem is not null)
        {
            return new ParameterProblem(typeProblem);
        }

        if (typed is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.Number)
        {
            var number = JsonNumbers.ToDouble(scalar);
            if (spec.Minimum is { } min && number < min)
            {
                return new ParameterProblem($"must be >= {Format(min)} (got {Format(number)})");
            }

            if (spec.Maximum is { } max && number > max)
            {
                return new ParameterProblem($"must be <= {Format(max)} (got {Format(number)})");
            }
        }

        if (spec.AllowedValues.Count > 0 && !spec.AllowedValues.Any(allowed => SameValue(allowed, typed!)))
        {
            return new ParameterProblem($"must be one of {string.Join(", ", spec.AllowedValues.Select(v => v.ToJsonString()))}");
        }

        if (typed is JsonArray array)
        {
            if (spec.MinItems is { } minItems && array.Count < minItems)
            {
                return new ParameterProblem($"must have at least {minItems} item(s) (got {array.Count})");
            }

            if (spec.MaxItems is { } maxItems && array.Count > maxItems)
            {
                return new ParameterProblem($"must have at most {maxItems} item(s) (got {array.Count})");
            }

            if (spec.ItemType is { } itemType)
            {
                var items = new JsonArray();
                for (var i = 0; i < array.Count; i++)
                {
                    JsonNode? item = null;
                    var itemProblem = array[i] is { } element ? CheckType(itemType, element, out item) : "must not be null";
                    if (itemProblem is not null)
                    {
                        return new ParameterProblem(itemProblem, $"[{i}]");
                    }

                    items.Add(item);
                }

                typed = items;
            }
        }

        normalized = typed;
        return null;
    }

    private static string? CheckType(ParameterType type, JsonNode value, out JsonNode? typed)
    {
        typed = null;
        var kind = value.GetValueKind();
        switch (type)
        {
            case ParameterType.String when kind == JsonValueKind.String:
            case ParameterType.Boolean when kind is JsonValueKind.True or JsonValueKind.False:
                typed = value.DeepClone();
                return null;
            case ParameterType.Object when kind == JsonValueKind.Object:
            case ParameterType.Array when kind == JsonValueKind.Array:
            case ParameterType.Any:
                // JSON has no NaN or Infinity: such a value could not even be written to params.json.
                if (NonFinitePath(value, "") is { } path)
                {
                    return $"must hold only finite numbers (not at {(path.Length == 0 ? "the top" : path)})";
                }

                typed = value.DeepClone();
                return null;
            case ParameterType.Number when kind == JsonValueKind.Number:
                var number = JsonNumbers.ToDouble(value);
                if (!double.IsFinite(number))
                {
                    return "must be a finite number";
                }

                typed = JsonValue.Create(number);
                return null;
            case ParameterType.Integer when kind == JsonValueKind.Number:
                // gRPC's Struct carries every number as a double: 5.0 is the integer 5.
                var candidate = JsonNumbers.ToDouble(value);
                if (!double.IsFinite(candidate) || Math.Floor(candidate) != candidate || Math.Abs(candidate) > 9_007_199_254_740_992)
                {
                    return $"must be an integer (got {Format(candidate)})";
                }

                typed = JsonValue.Create((long)candidate);
                return null;
            default:
                return $"must be {Article(type)} {type.ToString().ToLowerInvariant()} (got {Describe(kind)})";
        }
    }

    private static string? NonFinitePath(JsonNode? node, string path) => node switch
    {
        JsonObject obj => obj.Select(pair => NonFinitePath(pair.Value, $"{path}.{pair.Key}")).FirstOrDefault(found => found is not null),
        JsonArray array => array.Select((item, index) => NonFinitePath(item, $"{path}[{index}]")).FirstOrDefault(found => found is not null),
        JsonValue value when value.GetValueKind() == JsonValueKind.Number && !double.IsFinite(JsonNumbers.ToDouble(value)) => path,
        _ => null,
    };

    private static bool SameValue(JsonNode allowed, JsonNode value) =>
        allowed.GetValueKind() == JsonValueKind.Number && value.GetValueKind() == JsonValueKind.Number
            ? JsonNumbers.ToDouble(allowed) == JsonNumbers.ToDouble(value)
            : JsonNode.DeepEquals(allowed, value);

    private static string Article(ParameterType type) => type is ParameterType.Integer or ParameterType.Array or ParameterType.Object ? "an" : "a";

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What is wrong with a parameter; <see cref="Index"/> names the array element at fault, e.g. "[2]".</summary>
public sealed record ParameterProblem(string Description, string Index = "");
